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
