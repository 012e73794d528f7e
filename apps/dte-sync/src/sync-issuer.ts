import type { TenantEvent } from '@tenantry/tenant-events';
import { applyIssuerSnapshot } from '@tenantry/tenant-schema';
import { onTenantDatabase } from '@tenantry/worker-kit';
import type { DteSyncContext } from './context.ts';

const MESSAGES = {
  applied: 'issuer info updated',
  stale: 'issuer info already at this or a newer version, left as is',
  'no-schema': 'tenant schema not provisioned yet, skipped (TenantProvisioned will carry the snapshot)',
} as const;

/** Copies the snapshot's DTE fields into the tenant schema if the event is newer than what it holds. */
export async function syncIssuer(event: TenantEvent<'TenantProvisioned' | 'TenantUpdated'>, { databases, log }: DteSyncContext): Promise<void> {
  // The tenant's current database, not the event's: the tenant may have moved since.
  const { database, outcome } = await onTenantDatabase(databases, event as TenantEvent, async (orm, database) => ({
    database,
    outcome: await applyIssuerSnapshot(orm, event.data.tenant, event.tenantversion),
  }));
  log.info({ database, outcome }, MESSAGES[outcome]);
}
