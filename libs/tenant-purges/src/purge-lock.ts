import type { Pool } from 'pg';
import { trySessionLock, type SessionLock } from '@tenantry/sql';

/**
 * One runner per tenant purge across every process (CLI, tenant-api replicas): a session advisory
 * lock on the control database, held for the whole run and released by PostgreSQL if the runner dies.
 */
export function tryLockTenantPurge(pool: Pool, tenantId: string): Promise<SessionLock | null> {
  return trySessionLock(pool, `tenantry:purge:${tenantId}`);
}
