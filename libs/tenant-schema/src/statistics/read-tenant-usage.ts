import { quoteIdentifier } from '../schema/index.ts';
import { roleNameFor, schemaNameFor } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import { STATEMENT_TOTALS_SQL, statementStatsAvailability, statementTotalsOf, type StatementTotals } from './statement-stats.ts';

/** Bytes of a tenant schema's tables (with TOAST) and of their indexes. */
export interface SchemaBytes {
  tableBytes: number;
  indexBytes: number;
}

/**
 * A tenant's database work: statements run as its own role (pg_stat_statements, since the
 * server's statistics were last reset) on its database, and its schema's size. `statements` is
 * null when the server cannot attribute statements (`reason` says why).
 */
export interface TenantUsage extends SchemaBytes {
  available: boolean;
  reason: string | null;
  statements: StatementTotals | null;
}

/** Table and index bytes per tenant schema on this database; schemas that do not exist here are absent. */
export async function readSchemaBytes(orm: TenantSchemaOrm, tenantIds: string[]): Promise<Map<string, SchemaBytes>> {
  if (tenantIds.length === 0) return new Map();
  const schemas = new Map(tenantIds.map((id) => [schemaNameFor(id), id]));
  const rows = await orm.em.fork().execute<{ schema: string; table_bytes: string; index_bytes: string }[]>(
    `select n.nspname as schema, coalesce(sum(pg_table_size(c.oid)), 0)::text as table_bytes,
            coalesce(sum(pg_indexes_size(c.oid)), 0)::text as index_bytes
       from pg_namespace n left join pg_class c on c.relnamespace = n.oid and c.relkind in ('r', 'm', 'p')
      where n.nspname in (select jsonb_array_elements_text(?::jsonb))
      group by n.nspname`,
    [JSON.stringify([...schemas.keys()])],
  );
  return new Map(rows.map((row) => [schemas.get(row.schema)!, { tableBytes: Number(row.table_bytes), indexBytes: Number(row.index_bytes) }]));
}

/** The tenant's usage on the database `orm` is connected to (its current one). */
export async function readTenantUsage(orm: TenantSchemaOrm, tenantId: string): Promise<TenantUsage> {
  const bytes = (await readSchemaBytes(orm, [tenantId])).get(tenantId) ?? { tableBytes: 0, indexBytes: 0 };
  const em = orm.em.fork();
  const availability = await statementStatsAvailability(em);
  if (!availability.available) return { available: false, reason: availability.reason, statements: null, ...bytes };
  const [row] = await em.execute<{ calls: string; exec_ms: number; rows: string }[]>(
    `select ${STATEMENT_TOTALS_SQL}
       from ${quoteIdentifier('pg_stat_statements')} s join pg_roles r on r.oid = s.userid
      where r.rolname = ? and s.dbid = (select oid from pg_database where datname = current_database())`,
    [roleNameFor(tenantId)],
  );
  return { available: true, reason: null, statements: statementTotalsOf(row), ...bytes };
}
