import type { Pool, PoolClient } from 'pg';

/**
 * One runner per tenant move across every process (CLI, provisioner replicas): a session advisory
 * lock on the control database, held for the whole run and released by PostgreSQL if the runner dies.
 */
export async function tryLockTenantMove(pool: Pool, tenantId: string): Promise<PoolClient | null> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [`tenantry:move:${tenantId}`]);
    if (rows[0].locked) return client;
  } catch (error) {
    client.release();
    throw error;
  }
  client.release();
  return null;
}

export async function unlockTenantMove(client: PoolClient, tenantId: string): Promise<void> {
  try {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`tenantry:move:${tenantId}`]);
  } finally {
    client.release();
  }
}
