import type { EntityManager } from '@mikro-orm/postgresql';
import { qualifiedName } from './quote-identifier.ts';

export async function schemaExists(em: EntityManager, schemaName: string): Promise<boolean> {
  const rows = await em.execute<{ found: number }[]>('select 1 as found from pg_namespace where nspname = ?', [schemaName]);
  return rows.length > 0;
}

export async function roleExists(em: EntityManager, roleName: string): Promise<boolean> {
  const rows = await em.execute<{ found: number }[]>('select 1 as found from pg_roles where rolname = ?', [roleName]);
  return rows.length > 0;
}

/** Whether `schema.table` exists (false as well when the schema itself is missing). */
export async function tableExists(em: EntityManager, schemaName: string, table: string): Promise<boolean> {
  const rows = await em.execute<{ oid: string | null }[]>('select to_regclass(?)::text as oid', [qualifiedName(schemaName, table)]);
  return rows[0]?.oid != null;
}

/** Name of the last migration recorded in the schema's tracking table, or null if there is none. */
export async function readSchemaVersionIn(em: EntityManager, schemaName: string): Promise<string | null> {
  if (!(await tableExists(em, schemaName, 'mikro_orm_migrations'))) {
    return null;
  }
  const rows = await em.execute<{ name: string }[]>(
    `select name from ${qualifiedName(schemaName, 'mikro_orm_migrations')} order by id desc limit 1`,
  );
  return rows[0]?.name ?? null;
}

/**
 * What provisioning needs to know about a tenant before it starts, in one query: whether its
 * schema, its role and the schema's migration tracking table exist. Plain catalog reads (each sees
 * what committed before this statement), so run it after taking the tenant's lock. The tracking
 * table is looked up by (name, schema oid), an index lookup however many schemas there are.
 */
export async function inspectTenant(
  em: EntityManager,
  schemaName: string,
  roleName: string,
): Promise<{ schema: boolean; role: boolean; trackingTable: boolean }> {
  const [row] = await em.execute<{ schema: boolean; role: boolean; tracking_table: boolean }[]>(
    `select exists (select 1 from pg_namespace where nspname = ?) as schema,
            exists (select 1 from pg_roles where rolname = ?) as role,
            exists (select 1 from pg_class
                     where relname = 'mikro_orm_migrations'
                       and relnamespace = (select oid from pg_namespace where nspname = ?)) as tracking_table`,
    [schemaName, roleName, schemaName],
  );
  return { schema: row.schema, role: row.role, trackingTable: row.tracking_table };
}

/** Name of the last migration recorded in a tracking table known to exist. */
export async function readTrackedVersion(em: EntityManager, schemaName: string): Promise<string | null> {
  const rows = await em.execute<{ name: string }[]>(
    `select name from ${qualifiedName(schemaName, 'mikro_orm_migrations')} order by id desc limit 1`,
  );
  return rows[0]?.name ?? null;
}
