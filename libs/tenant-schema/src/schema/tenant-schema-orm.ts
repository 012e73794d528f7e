import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '@tenantry/logger';
import { tenantMigrations } from '@tenantry/tenant-migrations';
import { tenantSchemaEntities } from '../entities/index.ts';

export type TenantSchemaOrm = MikroORM;

export interface TenantSchemaOrmOptions {
  databaseUrl: string;
  logger?: Logger;
  /** Connections in the pool; provisioning holds one per tenant in flight. */
  poolMax?: number;
}

export function tenantSchemaOrmOptions({ databaseUrl, logger, poolMax = 5 }: TenantSchemaOrmOptions): Options {
  return {
    clientUrl: databaseUrl,
    entities: tenantSchemaEntities,
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    // Every operation names its tenant schema and runs in a fork or transaction of its own.
    allowGlobalContext: false,
    debug: false,
    logger: logger ? (message: string) => logger.debug({ component: 'mikro-orm' }, message) : undefined,
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: [...tenantMigrations],
      // Tenant entities live in the wildcard schema '*': the tracking table belongs in each tenant
      // schema (via `up({ schema })`), never in the default one.
      includeWildcardSchema: true,
      // Migrations are hand-written and committed; nothing may write snapshot files at run time.
      snapshot: false,
      snapshotOnMigrate: false,
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
  };
}

/** MikroORM for tenant schemas: wildcard-schema entities plus the tenant migrations. */
export async function createTenantSchemaOrm(options: TenantSchemaOrmOptions): Promise<TenantSchemaOrm> {
  return MikroORM.init(tenantSchemaOrmOptions(options));
}
