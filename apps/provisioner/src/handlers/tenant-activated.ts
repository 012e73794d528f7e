import { setTenantRoleLogin } from '@tenantry/tenant-schema';
import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';

/** Gives the tenant's role LOGIN back; a tenant never provisioned has no role yet (no-op). */
export const tenantActivated = defineSubscriber('TenantActivated', async (event, { orm, log }: ProvisionerContext) => {
  const roleExists = await setTenantRoleLogin(orm, event.subject, true);
  log.info({ role_exists: roleExists }, roleExists ? 'tenant role can log in again' : 'tenant has no role yet, nothing to unlock');
});
