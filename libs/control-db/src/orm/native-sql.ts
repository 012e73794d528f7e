import type { Pool, QueryResultRow } from 'pg';
import type { ControlOrm } from './control-orm.ts';

/**
 * One statement on the `pg` pool under MikroORM (same connections, `search_path` and type parsers:
 * timestamps come back as text), without an EntityManager fork, Kysely compilation or client-side
 * parameter inlining. For the hot read paths only; writes stay in ORM transactions.
 *
 * `name` makes it a named prepared statement: each connection parses and plans it once. Only for
 * fixed SQL text (the same name must always carry the same text) that selects explicit columns, so a
 * column added by a later migration cannot change a prepared statement's result type.
 */
export async function queryNative<Row extends QueryResultRow>(orm: ControlOrm, text: string, values: unknown[], name?: string): Promise<Row[]> {
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  const result = await pool.query<Row>(name ? { name, text, values } : { text, values });
  return result.rows;
}
