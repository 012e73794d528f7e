import { defineSubscriber } from '@tenantry/worker-kit';
import type { DteSyncContext } from '../context.ts';
import { syncIssuer } from '../sync-issuer.ts';

/** The tenant lives on another database now: its issuer there catches up with the snapshot (covers an update that raced the flip). */
export const tenantMoved = defineSubscriber('TenantMoved', (event, context: DteSyncContext) => syncIssuer(event, context));
