import { setTenantRoleLogin } from '@tenantry/tenant-schema';
import { defineSubscriber } from '@tenantry/worker-kit';
import type { ProvisionerContext } from '../context.ts';

/** Schema and data stay; the tenant's role loses LOGIN and its open sessions end (SPEC §1). */
export const tenantDeactivated = defineSubscriber('TenantDeactivated', async (event, { orm, log }: ProvisionerContext) => {
  const roleExists = await setTenantRoleLogin(orm, event.subject, false);
  log.info({ role_exists: roleExists }, roleExists ? 'tenant role can no longer log in' : 'tenant has no role yet, nothing to lock');
});
