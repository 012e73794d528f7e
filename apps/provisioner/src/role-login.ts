import { setTenantRoleLogin } from '@tenantry/tenant-schema';
import type { ProvisionerContext } from './context.ts';

const MESSAGES = {
  grant: { done: 'tenant role can log in again', noRole: 'tenant has no role yet, nothing to unlock' },
  revoke: { done: 'tenant role can no longer log in', noRole: 'tenant has no role yet, nothing to lock' },
} as const;

/**
 * Gives the tenant's role LOGIN or takes it away (its open sessions end); schema and data stay.
 * A tenant never provisioned has no role yet: a no-op, the role is born with LOGIN = is_active.
 */
export async function setRoleLogin(tenantId: string, login: boolean, { orm, log }: ProvisionerContext): Promise<void> {
  const roleExists = await setTenantRoleLogin(orm, tenantId, login);
  const messages = MESSAGES[login ? 'grant' : 'revoke'];
  log.info({ role_exists: roleExists }, roleExists ? messages.done : messages.noRole);
}
