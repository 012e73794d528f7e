import type { Subscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';
import { tenantActivated } from './tenant-activated.ts';
import { tenantCreated } from './tenant-created.ts';
import { tenantDeactivated } from './tenant-deactivated.ts';
import { tenantProvisionRequested } from './tenant-provision-requested.ts';
import { tenantSuspended } from './tenant-suspended.ts';

/** Every event type the provisioner acts on; all others are ignored. */
export const provisionerSubscribers: readonly Subscriber<ProvisionerContext>[] = [
  tenantCreated,
  tenantProvisionRequested,
  tenantDeactivated,
  tenantSuspended,
  tenantActivated,
];
