import { setTenantRoleLogin } from '@tenantry/tenant-schema';
import type { ProvisionerContext } from '../context.ts';
import { defineSubscriber } from '../subscriber.ts';

/** Gives the tenant's role LOGIN back; a tenant never provisioned has no role yet (no-op). */
export const tenantActivated = defineSubscriber('TenantActivated', async (event, { orm, log }: ProvisionerContext) => {
  const roleExists = await setTenantRoleLogin(orm, event.subject, true);
  log.info({ role_exists: roleExists }, roleExists ? 'tenant role can log in again' : 'tenant has no role yet, nothing to unlock');
});
