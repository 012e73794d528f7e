import type { Pool } from 'pg';

export interface SessionLock {
  /** Unlocks and gives the connection back to its pool. */
  release(): Promise<void>;
}

/**
 * A session advisory lock on `hashtext(key)`, held on a pool connection of its own until
 * `release()`: one holder across every process, and PostgreSQL frees it if the holder dies.
 * `null` when another session holds it.
 */
export async function trySessionLock(pool: Pool, key: string): Promise<SessionLock | null> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [key]);
    if (rows[0].locked) {
      return {
        async release() {
          try {
            await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
          } finally {
            client.release();
          }
        },
      };
    }
  } catch (error) {
    client.release();
    throw error;
  }
  client.release();
  return null;
}
