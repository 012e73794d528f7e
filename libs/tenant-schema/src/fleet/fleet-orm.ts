import { MikroORM } from '@mikro-orm/postgresql';
import { tenantSchemaOrmOptions, type TenantSchemaOrm } from '../schema/index.ts';
import { CONNECT_TIMEOUT_MS } from './connect-timeout.ts';

export interface FleetOrmOptions {
  databaseUrl: string;
  /** Pool size: one connection per schema in flight. */
  connections: number;
  /** Transactions (= schemas) per connection before pg closes it and opens a fresh backend. */
  schemasPerConnection: number;
  applicationName?: string;
}

type TableExists = (
  connection: { execute(sql: string, params: unknown[], method: 'all', ctx?: unknown): Promise<unknown> },
  tableName: string, schemaName: string | undefined, ctx?: unknown) => Promise<boolean>;

/**
 * The tenant-schema ORM for a fleet run, with connections recycled by pg-pool's `maxUses`: each
 * schema is one checkout, so no backend accumulates the catalog cache of thousands of schemas.
 */
export async function createFleetOrm({
  databaseUrl,
  connections,
  schemasPerConnection,
  applicationName = 'tenantry-migrate-up',
}: FleetOrmOptions): Promise<TenantSchemaOrm> {
  const orm = await MikroORM.init({
    ...tenantSchemaOrmOptions({ databaseUrl, poolMax: connections }),
    driverOptions: { maxUses: schemasPerConnection, application_name: applicationName, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    // ensureDatabase stays on (the database exists: the fleet status was just read from it). Its
    // check on connect also primes the cache the migrator consults on every init; without it each
    // migrator would query outside its transaction and need a second pooled connection per schema.
  });
  // The migrator asks "does <schema>.mikro_orm_migrations exist?" once per schema through
  // information_schema.tables, a view that scans pg_class: with 10k schemas that is most of a
  // migration's time. to_regclass answers from the catalog caches in well under a millisecond.
  // (Joining pg_class to pg_namespace by name is no better: every schema has a relation called
  // mikro_orm_migrations.) Patched on this ORM's instance only.
  const helper = orm.em.getPlatform().getSchemaHelper() as unknown as { tableExists: TableExists };
  helper.tableExists = async (connection, tableName, schemaName, ctx) => {
    const rows = (await connection.execute(
      `select to_regclass(format('%I.%I', ?::text, ?::text)) is not null as found`,
      [schemaName ?? 'public', tableName],
      'all',
      ctx,
    )) as { found: boolean }[];
    return rows[0]?.found === true;
  };
  return orm;
}
