import type pg from 'pg';
import { qualifiedName } from '../schema/index.ts';

/** Base tables of a schema, sorted by name. */
export async function listTablesIn(client: pg.ClientBase, schemaName: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') order by c.relname`,
    [schemaName],
  );
  return rows.map((row) => row.name);
}

/** Exact row count of every base table of the schema, in the caller's transaction (and so its snapshot). */
export async function countTenantRowsIn(client: pg.ClientBase, schemaName: string): Promise<Record<string, number>> {
  const tables = await listTablesIn(client, schemaName);
  if (tables.length === 0) return {};
  const select = tables.map((table, i) => `select $${i + 1}::text as name, count(*)::bigint as rows from ${qualifiedName(schemaName, table)}`).join(' union all ');
  const { rows } = await client.query<{ name: string; rows: string }>(select, tables);
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.rows)]));
}

/** The last migration recorded in the schema's tracking table; null without one. */
export async function readSchemaVersionInClient(client: pg.ClientBase, schemaName: string): Promise<string | null> {
  const { rows: found } = await client.query<{ oid: string | null }>('select to_regclass($1)::text as oid', [qualifiedName(schemaName, 'mikro_orm_migrations')]);
  if (!found[0]?.oid) return null;
  const { rows } = await client.query<{ name: string }>(`select name from ${qualifiedName(schemaName, 'mikro_orm_migrations')} order by id desc limit 1`);
  return rows[0]?.name ?? null;
}
