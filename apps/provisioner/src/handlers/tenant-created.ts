import type { ProvisionerContext } from '../context.ts';
import { provisionTenant } from '../provision-tenant.ts';
import { defineSubscriber } from '../subscriber.ts';

/** A new tenant: build its schema and role, report the outcome. */
export const tenantCreated = defineSubscriber('TenantCreated', (event, context: ProvisionerContext) => provisionTenant(event, context));
