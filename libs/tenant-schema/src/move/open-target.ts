import { quoteIdentifier } from '../quote-identifier.ts';
import { alterRoleLogin } from './freeze-source.ts';
import type { MoveContext } from './move-context.ts';
import { withMoveClient } from './move-connection.ts';

/**
 * After the flip: the role may use the target schema (USAGE, withheld while it was being filled
 * when the role is shared with the source's server) and log in, when the tenant has LOGIN.
 */
export async function openTarget(ctx: MoveContext): Promise<void> {
  const { schema, role } = ctx.names;
  await withMoveClient(ctx.plan.target.url, async (client) => {
    await client.query(`grant usage on schema ${quoteIdentifier(schema)} to ${quoteIdentifier(role)}`);
    if (ctx.plan.roleLogin) await alterRoleLogin(client, role, true);
  });
}
