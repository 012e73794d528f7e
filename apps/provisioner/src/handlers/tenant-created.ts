import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';
import { provisionTenant } from '../provision-tenant.ts';

/** A new tenant: build its schema and role, report the outcome. */
export const tenantCreated = defineSubscriber('TenantCreated', (event, context: ProvisionerContext) => provisionTenant(event, context));
