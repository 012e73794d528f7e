import type pg from 'pg';
import { quoteIdentifier } from '@tenantry/sql';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';

/**
 * The floor every provisioning figure is compared with: the SQL of the tenant migrations, taken
 * from the migration classes themselves (each `up()` only calls `addSql`), plus the same
 * `mikro_orm_migrations` bookkeeping table the migrator writes. No ORM, no role, no seed rows.
 */
export function migrationSql(migrations: readonly TenantMigration[] = tenantMigrations): string[] {
  const statements: string[] = [];
  for (const migration of migrations) {
    // The driver and config are only needed by execute()/getEntityManager(), which no tenant migration calls.
    const instance = new migration.class(undefined as never, undefined as never);
    void instance.up();
    for (const query of instance.getQueries()) {
      if (typeof query !== 'string') throw new Error(`${migration.name} adds a non-string query; the bench floor only replays plain SQL.`);
      statements.push(query);
    }
  }
  return statements;
}

// Same shape as MikroORM's tracking table (see a provisioned schema's \d mikro_orm_migrations).
const TRACKING_TABLE = `create table mikro_orm_migrations (id serial primary key, name varchar(255), executed_at timestamptz default current_timestamp)`;

/** The statements that build one schema, unqualified (run with search_path set to it). */
export function floorSchemaScript(schemaName: string, migrations: readonly TenantMigration[] = tenantMigrations): string {
  const names = migrations.map((m) => `('${m.name}')`).join(', ');
  return [
    `create schema ${quoteIdentifier(schemaName)}`,
    `set local search_path to ${quoteIdentifier(schemaName)}`,
    ...migrationSql(migrations),
    TRACKING_TABLE,
    `insert into mikro_orm_migrations (name) values ${names}`,
  ].join(';\n');
}

/** One schema, one transaction, one round trip: the floor method. */
export async function applyFloorSchema(client: pg.ClientBase, schemaName: string, migrations?: readonly TenantMigration[]): Promise<void> {
  try {
    await client.query(`begin;\n${floorSchemaScript(schemaName, migrations)};\ncommit`);
  } catch (error) {
    // A failed multi-statement query leaves the explicit transaction open and aborted.
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
