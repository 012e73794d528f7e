import type { EntityManager } from '@mikro-orm/postgresql';

/** Anything with pg's `query(text, values)`: a pg.Client or pg.Pool. */
export interface SqlClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** The part of a Kysely transaction (MikroORM's transaction context) that runs a statement on its connection. */
interface TransactionContext {
  getExecutor(): {
    provideConnection<T>(use: (connection: { executeQuery(query: { sql: string; parameters: readonly unknown[] }): Promise<{ rows: unknown[] }> }) => Promise<T>): Promise<T>;
  };
}

/**
 * The caller's open ORM transaction as a {@link SqlClient}: `$n` parameters sent to pg as they are
 * (no client-side inlining), on the transaction's own connection, so ORM and plain-SQL writers can
 * share one code path.
 */
export function transactionClient(em: EntityManager): SqlClient {
  const ctx = em.getTransactionContext<TransactionContext>();
  if (!ctx) throw new Error('transactionClient needs an EntityManager inside a transaction.');
  return {
    query: async <R,>(text: string, values: unknown[] = []) => {
      const result = await ctx.getExecutor().provideConnection((connection) => connection.executeQuery({ sql: text, parameters: values }));
      return { rows: result.rows as R[] };
    },
  };
}
