import { defineSubscriber } from '@tenantry/worker-kit';
import type { DteSyncContext } from '../context.ts';
import { syncIssuer } from '../sync-issuer.ts';

/** The schema now exists: bring its issuer info up to the snapshot (covers updates skipped before). */
export const tenantProvisioned = defineSubscriber('TenantProvisioned', (event, context: DteSyncContext) => syncIssuer(event, context));
