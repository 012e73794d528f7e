import type { Subscriber } from '@tenantry/worker-kit';
import type { DteSyncContext } from '../context.ts';
import { tenantProvisioned } from './tenant-provisioned.ts';
import { tenantMoved } from './tenant-moved.ts';
import { tenantUpdated } from './tenant-updated.ts';

/** Every event type dte-sync acts on; all others are ignored. */
export const dteSyncSubscribers: readonly Subscriber<DteSyncContext>[] = [tenantProvisioned, tenantUpdated, tenantMoved];
