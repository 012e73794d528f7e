import type { EntityManager } from '@mikro-orm/postgresql';

/** Whether this server can attribute statements to roles (pg_stat_statements), and why not. */
export type StatementStatsAvailability = { available: true } | { available: false; reason: string };

export const NOT_LOADED_REASON =
  'pg_stat_statements is not loaded on this PostgreSQL server: add it to shared_preload_libraries and restart the server';

/**
 * pg_stat_statements needs its library loaded at server start (shared_preload_libraries) and the
 * extension created in the database. When the library is loaded the extension is created here if
 * missing (idempotent; needs the services' role to be allowed to). Never throws for either: the
 * answer says what is missing instead.
 */
export async function statementStatsAvailability(em: EntityManager): Promise<StatementStatsAvailability> {
  const [setting] = await em.execute<{ loaded: boolean; installed: boolean }[]>(
    `select 'pg_stat_statements' = any (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as loaded,
            exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed`,
  );
  if (!setting.loaded) return { available: false, reason: NOT_LOADED_REASON };
  if (setting.installed) return { available: true };
  try {
    await em.execute('create extension if not exists pg_stat_statements');
    return { available: true };
  } catch (error) {
    return { available: false, reason: `pg_stat_statements is loaded but its extension could not be created here: ${(error as Error).message}` };
  }
}

/** Statement counters of one role in the current database. */
export interface StatementTotals {
  calls: number;
  totalExecTimeMs: number;
  rows: number;
}

export const STATEMENT_TOTALS_SQL = `coalesce(sum(s.calls), 0)::text as calls, coalesce(sum(s.total_exec_time), 0)::float8 as exec_ms,
            coalesce(sum(s.rows), 0)::text as rows`;

export function statementTotalsOf(row: { calls: string; exec_ms: number; rows: string }): StatementTotals {
  return { calls: Number(row.calls), totalExecTimeMs: Number(row.exec_ms), rows: Number(row.rows) };
}
