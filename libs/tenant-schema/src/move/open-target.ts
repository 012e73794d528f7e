import { quoteIdentifier } from '../schema/index.ts';
import { alterRoleLogin } from './freeze-source.ts';
import type { MoveNames } from './move-context.ts';
import { withMoveClient } from './move-connection.ts';
import type { TenantMovePlan } from './move-types.ts';

/**
 * After the flip: the role may use the target schema (USAGE, withheld while it was being filled
 * when the role is shared with the source's server) and log in, when the tenant has LOGIN. Needs
 * the target only, so a tenant whose old server is down after the flip is served all the same.
 */
export async function openTarget(plan: TenantMovePlan, { schema, role }: MoveNames): Promise<void> {
  await withMoveClient(plan.target.url, async (client) => {
    await client.query(`grant usage on schema ${quoteIdentifier(schema)} to ${quoteIdentifier(role)}`);
    if (plan.roleLogin) await alterRoleLogin(client, role, true);
  });
}
