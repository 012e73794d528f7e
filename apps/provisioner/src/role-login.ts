import type { TenantEvent } from '@tenantry/tenant-events';
import { setTenantRoleLogin } from '@tenantry/tenant-schema';
import { onTenantDatabase } from '@tenantry/worker-kit';
import type { ProvisionerContext } from './context.ts';

const MESSAGES = {
  grant: { done: 'tenant role can log in again', noRole: 'tenant has no role yet, nothing to unlock' },
  revoke: { done: 'tenant role can no longer log in', noRole: 'tenant has no role yet, nothing to lock' },
} as const;

/**
 * Gives the tenant's role LOGIN or takes it away (its open sessions end); schema and data stay.
 * A tenant never provisioned has no role yet: a no-op, the role is born with LOGIN = is_active.
 */
export async function setRoleLogin(event: TenantEvent, login: boolean, { databases, log }: ProvisionerContext): Promise<void> {
  // On the server of the tenant's current database: that is where its role is.
  const { database, roleExists } = await onTenantDatabase(databases, event, async (orm, database) => ({
    database,
    roleExists: await setTenantRoleLogin(orm, event.subject, login),
  }));
  const messages = MESSAGES[login ? 'grant' : 'revoke'];
  log.info({ database, role_exists: roleExists }, roleExists ? messages.done : messages.noRole);
}
