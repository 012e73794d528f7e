import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '@tenantry/logger';
import { quoteIdentifier } from '@tenantry/sql';
import { Plan, TenantGroup, User, Tenant, Membership, TenantEventRecord } from '../entities/index.ts';
import { controlMigrations } from '../migrations/index.ts';
import { ensureDatabase } from './ensure-database.ts';

export type ControlOrm = MikroORM;

export interface ControlOrmOptions {
  databaseUrl: string;
  controlSchema: string;
  logger?: Logger;
  poolMax?: number;
}

export function controlOrmOptions({ databaseUrl, controlSchema, poolMax = 10 }: ControlOrmOptions): Options {
  return {
    clientUrl: databaseUrl,
    schema: controlSchema,
    entities: [Plan, TenantGroup, User, Tenant, Membership, TenantEventRecord],
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    // Raw SQL (outbox, listings) names control tables unqualified; pg passes this at connect time.
    driverOptions: { options: `-c search_path=${controlSchema},public` },
    // Entities are fetched per request in forks; the global context must never be used implicitly.
    allowGlobalContext: false,
    debug: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      schema: controlSchema,
      migrationsList: controlMigrations,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
  };
}

/** Connects to the control database, creating the database if missing. */
export async function createControlOrm(options: ControlOrmOptions): Promise<ControlOrm> {
  await ensureDatabase(options.databaseUrl);
  return MikroORM.init(controlOrmOptions(options));
}

/**
 * Whether the control schema holds its tables (tenant-api migrated it once). Reads only: for
 * tools that must say "wrong DATABASE_URL / CONTROL_SCHEMA" rather than build an empty schema.
 */
export async function hasControlSchema(orm: ControlOrm, controlSchema: string): Promise<boolean> {
  const [found] = await orm.em.fork().execute<{ tenants: string | null }[]>('select to_regclass(?)::text as tenants', [`${quoteIdentifier(controlSchema)}.tenants`]);
  return Boolean(found?.tenants);
}

/**
 * Applies pending control-schema migrations. Safe when several processes start at once: an
 * advisory lock lets one migrate while the others wait and then find nothing pending.
 */
export async function migrateControlSchema(orm: ControlOrm, controlSchema: string): Promise<string[]> {
  const em = orm.em.fork();
  // Committed on its own first: the migrator creates its tracking table on another connection,
  // which would wait forever on a schema created by our still-open transaction.
  await em.execute(`create schema if not exists ${quoteIdentifier(controlSchema)}`).catch(async () => {
    // Two processes racing on CREATE SCHEMA IF NOT EXISTS can still collide; the loser retries once.
    await em.execute(`create schema if not exists ${quoteIdentifier(controlSchema)}`);
  });
  return em.transactional(async (tx) => {
    const connection = tx.getConnection();
    const ctx = tx.getTransactionContext();
    await connection.execute(`select pg_advisory_xact_lock(hashtext('tenantry-control-migrations'))`, [], 'all', ctx);
    // A migrator bound to this transaction's EntityManager: `orm.migrator` would use other pool
    // connections and wait forever on the uncommitted CREATE SCHEMA.
    const applied = await new Migrator(tx).up({ transaction: ctx, schema: controlSchema });
    return applied.map((m) => m.name);
  });
}
