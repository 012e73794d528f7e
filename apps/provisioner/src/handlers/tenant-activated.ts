import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';
import { setRoleLogin } from '../role-login.ts';

/** Active again (is_active true): the tenant's role gets LOGIN back. */
export const tenantActivated = defineSubscriber('TenantActivated', (event, context: ProvisionerContext) => setRoleLogin(event, true, context));
