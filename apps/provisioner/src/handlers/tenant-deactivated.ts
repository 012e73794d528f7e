import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';
import { setRoleLogin } from '../role-login.ts';

/** Schema and data stay; the tenant's role loses LOGIN and its open sessions end (SPEC §1). */
export const tenantDeactivated = defineSubscriber('TenantDeactivated', (event, context: ProvisionerContext) => setRoleLogin(event, false, context));
