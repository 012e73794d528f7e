import type { Pool } from 'pg';
import { trySessionLock, type SessionLock } from '@tenantry/sql';

/**
 * One runner per tenant move across every process (CLI, provisioner replicas): a session advisory
 * lock on the control database, held for the whole run and released by PostgreSQL if the runner dies.
 */
export function tryLockTenantMove(pool: Pool, tenantId: string): Promise<SessionLock | null> {
  return trySessionLock(pool, `tenantry:move:${tenantId}`);
}
