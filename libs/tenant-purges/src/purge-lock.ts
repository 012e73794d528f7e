import type { Pool, PoolClient } from 'pg';

const lockKey = (tenantId: string) => `tenantry:purge:${tenantId}`;

/**
 * One runner per tenant purge across every process (CLI, tenant-api replicas): a session advisory
 * lock on the control database, held for the whole run and released by PostgreSQL if the runner dies.
 */
export async function tryLockTenantPurge(pool: Pool, tenantId: string): Promise<PoolClient | null> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [lockKey(tenantId)]);
    if (rows[0].locked) return client;
  } catch (error) {
    client.release();
    throw error;
  }
  client.release();
  return null;
}

export async function unlockTenantPurge(client: PoolClient, tenantId: string): Promise<void> {
  try {
    await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey(tenantId)]);
  } finally {
    client.release();
  }
}
