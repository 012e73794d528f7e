import type { ProvisionerContext } from '../context.ts';
import { provisionTenant } from '../provision-tenant.ts';
import { defineSubscriber } from '../subscriber.ts';

/** An operator re-requested provisioning (e.g. after setup_failed): same idempotent job. */
export const tenantProvisionRequested = defineSubscriber('TenantProvisionRequested', (event, context: ProvisionerContext) =>
  provisionTenant(event, context),
);
