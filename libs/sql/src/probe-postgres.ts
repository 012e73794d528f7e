import pg from 'pg';

/**
 * Connects with a fresh client (a pool could hide an outage) and runs `select 1`; rejects with the
 * driver's error when the server does not answer within `connectTimeoutMs`.
 */
export async function probePostgres(url: string, { connectTimeoutMs = 2_000 }: { connectTimeoutMs?: number } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when the server at `url` accepts a connection and a query. */
export async function postgresAnswers(url: string, options?: { connectTimeoutMs?: number }): Promise<boolean> {
  return probePostgres(url, options).then(
    () => true,
    () => false,
  );
}
