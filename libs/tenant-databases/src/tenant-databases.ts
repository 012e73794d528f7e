import { MAIN_DATABASE, UnknownTenantDatabaseError, readTenantPlacement, subjectKeyReader } from '@tenantry/control-db';
import type { SubjectKeyLookup } from '@tenantry/tenant-events';
import type { Logger } from '@tenantry/logger';
import type { TenantSchemaOrm } from '@tenantry/tenant-schema';
import pg from 'pg';
import { createOrmCache, ormPoolStats, poolStatsOf, type PoolStats } from './connections/index.ts';
import { createRegistry, type TenantDatabase } from './registry/index.ts';

/** A connection to each tenant database by name (see the README for the bounds). */
export interface TenantDatabases {
  /** MikroORM (createTenantSchemaOrm) for a database, opened on first use; may be closed once idle: prefer use(). */
  orm(name: string): Promise<TenantSchemaOrm>;
  /** Runs `work` with the database's ORM, which stays open until it ends. */
  use<T>(name: string, work: (orm: TenantSchemaOrm) => Promise<T>): Promise<T>;
  /** The database's URL, password included: never log it. */
  url(name: string): Promise<string>;
  /** The registry, re-read when older than refreshMs. */
  list(): Promise<TenantDatabase[]>;
  /** The database the tenant lives on now, read from the control schema; null for an unknown tenant. */
  placementOf(tenantId: string): Promise<string | null>;
  /** A subject's data key from the control schema (to open sealed event fields); null once destroyed. */
  subjectKey: SubjectKeyLookup;
  /** Names of the databases with open connections now. */
  openNow(): string[];
  /** Connections in use, idle and waited for, per open database pool (`registry`: the small pool reading placements and the registry). */
  poolStats(): Promise<PoolStats[]>;
  /** Closes every pool; only the first call does anything. */
  close(): Promise<void>;
}

export interface OpenTenantDatabasesOptions {
  /** DATABASE_URL: the control schema's database, which is also the tenant database `main`. */
  controlDatabaseUrl: string;
  controlSchema: string;
  /** Connections per tenant database (default 5). */
  poolMax?: number;
  /** Tenant databases with open connections at once (default 16). */
  maxOpen?: number;
  /** The registry is re-read when older than this (default 10 s), and at once for an unknown name. */
  refreshMs?: number;
  /** A tenant database not used for this long is closed (default 5 min). */
  idleMs?: number;
  logger?: Logger;
}

export const TENANT_DATABASES_DEFAULTS = { poolMax: 5, maxOpen: 16, refreshMs: 10_000, idleMs: 300_000 } as const;

/** Opens nothing yet: the registry is read and each database connected on first use. */
export function openTenantDatabases(options: OpenTenantDatabasesOptions): TenantDatabases {
  const { controlDatabaseUrl, controlSchema, logger } = options;
  const { poolMax, maxOpen, refreshMs, idleMs } = { ...TENANT_DATABASES_DEFAULTS, ...definedOnly(options) };
  const control = new pg.Pool({ connectionString: controlDatabaseUrl, max: 2 });
  // An idle connection the server ends (a restart) is reported here; the next query reconnects.
  control.on('error', (error) => logger?.debug({ err: error }, 'idle control connection lost'));
  const registry = createRegistry(control, controlSchema, controlDatabaseUrl, refreshMs);
  const orms = createOrmCache({ poolMax, maxOpen, idleMs, logger: logger?.child({ component: 'tenant-databases' }) });

  let closing: Promise<void> | undefined;
  // `main` never needs the registry: it works before tenant-api has migrated the control schema.
  const urlOf = async (name: string) => (name === MAIN_DATABASE ? controlDatabaseUrl : (await registry.get(name)).url);

  return {
    orm: async (name) => orms.orm(name, await urlOf(name)),
    use: async (name, work) => orms.use(name, await urlOf(name), work),
    url: urlOf,
    list: () => registry.list(),
    placementOf: async (tenantId) => (await readTenantPlacement(control, controlSchema, tenantId))?.database ?? null,
    subjectKey: subjectKeyReader(control, controlSchema),
    openNow: () => orms.open(),
    poolStats: async () => [poolStatsOf('registry', control), ...(await orms.poolStats())],
    close: () =>
      (closing ??= (async () => {
        await orms.close();
        await control.end();
      })()),
  };
}

/**
 * Every tenant on one database, `main`, served by `orm` (the caller opens and closes it): a worker
 * without a control schema (tests of one worker alone) or a one-server install that opts out of the registry.
 */
export function singleTenantDatabase(orm: TenantSchemaOrm, url = ''): TenantDatabases {
  const unknown = async (name: string): Promise<never> => {
    throw new UnknownTenantDatabaseError(name);
  };
  return {
    orm: async (name) => (name === MAIN_DATABASE ? orm : unknown(name)),
    use: async (name, work) => (name === MAIN_DATABASE ? work(orm) : unknown(name)),
    url: async (name) => (name === MAIN_DATABASE ? url : unknown(name)),
    list: async () => [{ name: MAIN_DATABASE, status: 'open', url }],
    placementOf: async () => null,
    // No control schema, so no keys: sealed fields open to null.
    subjectKey: async () => null,
    openNow: () => [MAIN_DATABASE],
    poolStats: async () => [await ormPoolStats(MAIN_DATABASE, orm)],
    close: async () => undefined,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
