import type { TenantEvent } from '@tenantry/tenant-events';
import { applyIssuerSnapshot } from '@tenantry/tenant-schema';
import { onTenantDatabase } from '@tenantry/worker-kit';
import type { DteSyncContext } from './context.ts';

const MESSAGES = {
  applied: 'issuer info updated',
  stale: 'issuer info already at this or a newer version, left as is',
  'no-schema': 'tenant schema not provisioned yet, skipped (TenantProvisioned will carry the snapshot)',
} as const;

type IssuerEvent = TenantEvent<'TenantProvisioned' | 'TenantUpdated' | 'TenantMoved'>;

const applyOnCurrentDatabase = (event: IssuerEvent, { databases }: DteSyncContext) =>
  // The tenant's current database, not the event's: the tenant may have moved since.
  onTenantDatabase(databases, event as TenantEvent, async (orm, database) => ({
    database,
    outcome: await applyIssuerSnapshot(orm, event.data.tenant, event.tenantversion),
  }));

/**
 * Copies the snapshot's DTE fields into the tenant schema if the event is newer than what it holds.
 * A move that flipped while this waited for the schema's lock leaves no schema behind on the old
 * database: then the placement is read again and the write goes to the new one.
 */
export async function syncIssuer(event: IssuerEvent, context: DteSyncContext): Promise<void> {
  if (event.data.tenant.name === null) {
    // Contract v2: the tenant's key is destroyed (purged): its schema is gone and its data must stay gone.
    context.log.info('tenant purged since this event was written; issuer left alone');
    return;
  }
  let result = await applyOnCurrentDatabase(event, context);
  if (result.outcome === 'no-schema') {
    const again = await applyOnCurrentDatabase(event, context);
    if (again.database !== result.database) result = again;
  }
  context.log.info({ database: result.database, outcome: result.outcome }, MESSAGES[result.outcome]);
}
