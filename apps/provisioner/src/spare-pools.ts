import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';
import { listSpareSchemas, startSparePool, type SparePool, type TenantSchemaOrm, type TopUpSpareSchemasOptions } from '@tenantry/tenant-schema';

/** Spare schemas kept on every OPEN tenant database (roles are per server: each spare is built where it will be claimed). */
export interface SparePools {
  /** True when `database` has a running pool: provisioning there may claim a spare. */
  has(database: string): boolean;
  /** Build the replacement of a spare just claimed on `database`. */
  wake(database: string): void;
  /** Spares that exist now on each database with a pool (metrics); a database that does not answer is left out. */
  sizes(): Promise<{ database: string; count: number }[]>;
  stop(): Promise<void>;
}

export interface SparePoolsOptions extends TopUpSpareSchemasOptions {
  logger?: Logger;
  /** How often the registry is looked at for databases opened, drained or added (default 10 s). */
  intervalMs?: number;
}

/**
 * One `startSparePool` per open tenant database, started as databases appear in the registry (or
 * are opened again) and stopped when one drains: a draining database gets no new tenant, so its
 * spares would never be claimed. A pool whose ORM the directory replaced (closed as idle, opened
 * again) is restarted on the new one.
 */
export function startSparePools(databases: TenantDatabases, { size, migrations, logger, intervalMs = 10_000 }: SparePoolsOptions): SparePools {
  const pools = new Map<string, { orm: TenantSchemaOrm; pool: SparePool }>();
  const log = logger?.child({ component: 'spare-pools' });
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const stopPool = async (name: string) => {
    const running = pools.get(name);
    pools.delete(name);
    await running?.pool.stop();
  };

  const reconcile = async () => {
    const open = (await databases.list()).filter((d) => d.status === 'open').map((d) => d.name);
    for (const name of [...pools.keys()]) if (!open.includes(name)) await stopPool(name);
    for (const name of open) {
      if (stopping) return;
      const orm = await databases.orm(name);
      if (pools.get(name)?.orm === orm) continue;
      await stopPool(name);
      pools.set(name, { orm, pool: startSparePool(orm, { size, migrations, logger: logger?.child({ database: name }), intervalMs }) });
      log?.info({ database: name, size }, 'keeping spare tenant schemas on this database');
    }
  };

  const tick = async () => {
    try {
      await reconcile();
    } catch (error) {
      log?.warn({ err: error, retry_in_ms: intervalMs }, 'could not read the tenant databases for spare schemas; will retry');
    }
    if (!stopping) timer = setTimeout(() => void tick(), intervalMs);
  };
  const first = tick();

  return {
    has: (database) => pools.has(database),
    wake: (database) => pools.get(database)?.pool.wake(),
    async sizes() {
      const read = [...pools.entries()].map(async ([database, { orm }]) => ({ database, count: (await listSpareSchemas(orm.em.fork())).length }));
      const settled = await Promise.allSettled(read);
      return settled.flatMap((entry) => (entry.status === 'fulfilled' ? [entry.value] : []));
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await first;
      clearTimeout(timer);
      await Promise.all([...pools.keys()].map(stopPool));
    },
  };
}
