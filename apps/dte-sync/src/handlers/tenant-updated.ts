import { defineSubscriber } from '@tenantry/worker-kit';
import type { DteSyncContext } from '../context.ts';
import { touchesIssuer } from '../issuer-fields.ts';
import { syncIssuer } from '../sync-issuer.ts';

/** Only updates that change a DTE field matter; the rest are skipped without touching the database. */
export const tenantUpdated = defineSubscriber('TenantUpdated', async (event, context: DteSyncContext) => {
  if (!touchesIssuer(event.data.changed_fields)) {
    context.log.debug({ changed_fields: event.data.changed_fields }, 'no DTE field changed, ignored');
    return;
  }
  await syncIssuer(event, context);
});
