import pg from 'pg';

export type MoveClient = pg.Client;

/** A plain connection for one step (replication commands cannot run inside a transaction block). */
export async function connectMove(url: string): Promise<MoveClient> {
  const client = new pg.Client({ connectionString: url, application_name: 'tenantry-move' });
  // A connection that drops surfaces on its next query; an 'error' event must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function withMoveClient<T>(url: string, work: (client: MoveClient) => Promise<T>): Promise<T> {
  const client = await connectMove(url);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function queryRows<R extends pg.QueryResultRow>(client: MoveClient, sql: string, params: unknown[] = []): Promise<R[]> {
  return (await client.query<R>(sql, params)).rows;
}
