import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';
import { provisionTenant } from '../provision-tenant.ts';

/** An operator re-requested provisioning (e.g. after setup_failed): same idempotent job. */
export const tenantProvisionRequested = defineSubscriber('TenantProvisionRequested', (event, context: ProvisionerContext) =>
  provisionTenant(event, context),
);
