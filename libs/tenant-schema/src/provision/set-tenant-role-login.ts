import { roleExists } from '../schema/index.ts';
import { quoteIdentifier } from '../schema/index.ts';
import { roleNameFor } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

export interface SetTenantRoleLoginOptions {
  /**
   * When taking LOGIN away, also end the role's open sessions (NOLOGIN alone only stops new
   * connections). Default true.
   */
  terminateSessions?: boolean;
}

/**
 * Gives the tenant's role LOGIN back (activation) or takes it away (deactivation, suspension).
 * Returns false, and does nothing, when the role does not exist (tenant never provisioned).
 */
export async function setTenantRoleLogin(
  orm: TenantSchemaOrm,
  tenantId: string,
  canLogin: boolean,
  { terminateSessions = true }: SetTenantRoleLoginOptions = {},
): Promise<boolean> {
  const roleName = roleNameFor(tenantId);
  const em = orm.em.fork();
  const existed = await em.transactional(async (tx) => {
    if (!(await roleExists(tx, roleName))) {
      return false;
    }
    await tx.execute(`alter role ${quoteIdentifier(roleName)} ${canLogin ? 'login' : 'nologin'}`);
    return true;
  });
  // After the commit: a session opened before it would otherwise survive the lock-out.
  if (existed && !canLogin && terminateSessions) {
    await em.execute('select pg_terminate_backend(pid) from pg_stat_activity where usename = ? and pid <> pg_backend_pid()', [roleName]);
  }
  return existed;
}
