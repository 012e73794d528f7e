import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';
import { setRoleLogin } from '../role-login.ts';

/** A suspended tenant is not active (SPEC §2): like deactivation, its role loses LOGIN until TenantActivated. */
export const tenantSuspended = defineSubscriber('TenantSuspended', (event, context: ProvisionerContext) => setRoleLogin(event, false, context));
