import type { Logger } from '@tenantry/logger';
import { createTenantSchemaOrm, type TenantSchemaOrm } from '@tenantry/tenant-schema';

export interface OrmCacheOptions {
  /** Connections per database (the pg pool's max). */
  poolMax: number;
  /** Databases open at once; opening one more first closes the least recently used one nobody is using. */
  maxOpen: number;
  /** A database not used for this long is closed (its pool and its MikroORM). */
  idleMs: number;
  logger?: Logger;
}

interface Entry {
  name: string;
  url: string;
  orm: Promise<TenantSchemaOrm>;
  /** Callers inside use() right now: never closed under them. */
  leases: number;
  lastUsed: number;
}

/** A pg pool's connections at one moment. */
export interface PoolStats {
  database: string;
  /** Connections checked out by a query or transaction. */
  inUse: number;
  idle: number;
  /** Callers waiting for a connection (the pool is at its max). */
  waiting: number;
}

/** What a pg Pool reports about itself (the pool behind a MikroORM connection). */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export function poolStatsOf(database: string, pool: PgPoolCounts): PoolStats {
  return { database, inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** The pg pool of a MikroORM (PostgreSQL driver) instance, as PoolStats. */
export async function ormPoolStats(database: string, orm: TenantSchemaOrm): Promise<PoolStats> {
  return poolStatsOf(database, (await orm.em.getConnection().getNativeClient()) as unknown as PgPoolCounts);
}

export interface OrmCache {
  orm(name: string, url: string): Promise<TenantSchemaOrm>;
  use<T>(name: string, url: string, work: (orm: TenantSchemaOrm) => Promise<T>): Promise<T>;
  /** Names of the databases open now. */
  open(): string[];
  /** Connections of each open database's pool now (metrics); does not count as a use. */
  poolStats(): Promise<PoolStats[]>;
  close(): Promise<void>;
}

/**
 * One MikroORM (one pg pool of at most `poolMax`) per tenant database, opened on first use (MikroORM
 * connects lazily: opening a database that is down succeeds, its queries fail). At most `maxOpen`
 * are open: one more closes the least recently used one without a lease, or waits for a lease to end.
 * So a process holds at most maxOpen × poolMax tenant-database connections.
 */
export function createOrmCache({ poolMax, maxOpen, idleMs, logger }: OrmCacheOptions): OrmCache {
  const entries = new Map<string, Entry>();
  const waiting: (() => void)[] = [];
  let closed = false;

  const shut = (entry: Entry, why: string) => {
    entries.delete(entry.name);
    logger?.info({ database: entry.name, why }, 'tenant database connections closed');
    return entry.orm.then((orm) => orm.close(true)).catch((error) => logger?.warn({ database: entry.name, err: error }, 'closing a tenant database failed'));
  };

  const sweep = setInterval(() => {
    for (const entry of [...entries.values()]) {
      if (entry.leases === 0 && Date.now() - entry.lastUsed >= idleMs) void shut(entry, 'idle');
    }
  }, Math.max(1_000, Math.floor(idleMs / 2)));
  sweep.unref();

  const wake = () => waiting.splice(0).forEach((resume) => resume());

  async function entryFor(name: string, url: string): Promise<Entry> {
    for (;;) {
      if (closed) throw new Error('the tenant databases directory is closed');
      const existing = entries.get(name);
      if (existing && existing.url === url) return existing;
      if (existing) await shut(existing, 'url changed');
      if (entries.size < maxOpen) break;
      const idle = [...entries.values()].filter((e) => e.leases === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (idle) {
        await shut(idle, `making room (maxOpen ${maxOpen})`);
        continue;
      }
      await new Promise<void>((resume) => waiting.push(resume));
    }
    const entry: Entry = { name, url, leases: 0, lastUsed: Date.now(), orm: createTenantSchemaOrm({ databaseUrl: url, logger, poolMax }) };
    entries.set(name, entry);
    entry.orm.catch(() => entries.get(name) === entry && entries.delete(name));
    logger?.info({ database: name, pool_max: poolMax }, 'tenant database opened');
    return entry;
  }

  return {
    async orm(name, url) {
      const entry = await entryFor(name, url);
      entry.lastUsed = Date.now();
      return entry.orm;
    },
    async use(name, url, work) {
      const entry = await entryFor(name, url);
      entry.leases++;
      entry.lastUsed = Date.now();
      try {
        return await work(await entry.orm);
      } finally {
        entry.leases--;
        entry.lastUsed = Date.now();
        if (entry.leases === 0) wake();
      }
    },
    open: () => [...entries.keys()],
    async poolStats() {
      const open = [...entries.values()];
      const stats = await Promise.all(open.map((entry) => entry.orm.then((orm) => ormPoolStats(entry.name, orm)).catch(() => null)));
      return stats.filter((entry): entry is PoolStats => entry !== null);
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      wake();
      await Promise.all([...entries.values()].map((entry) => shut(entry, 'directory closed')));
    },
  };
}
