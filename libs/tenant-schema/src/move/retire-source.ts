import { quoteIdentifier } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient, type MoveClient } from './move-connection.ts';
import { TenantMoveError } from './move-errors.ts';

/**
 * After the flip: the source schema takes its moved name (`tenant_<hex>_moved`) so nothing serves
 * from it (a writer that waited on the schema's lock finds no schema and looks the placement up
 * again), and the role loses USAGE on it (on one server the role lives on, in the target). Runs
 * on the frozen session when there is one, before the lock is released.
 */
export async function retireSource(ctx: MoveContext, frozen?: MoveClient): Promise<void> {
  const work = async (client: MoveClient) => {
    const { schema, movedSchema, role } = ctx.names;
    const [found] = await queryRows<{ live: boolean; moved: boolean; role: boolean }>(
      client,
      `select exists (select 1 from pg_namespace where nspname = $1) as live, exists (select 1 from pg_namespace where nspname = $2) as moved,
              exists (select 1 from pg_roles where rolname = $3) as role`,
      [schema, movedSchema, role],
    );
    if (found.live && found.moved) {
      throw new TenantMoveError('TNT_ERR_MOVE_OLD_SCHEMA_PRESENT', `Both ${schema} and ${movedSchema} exist on "${ctx.plan.source.name}"; drop the older ${movedSchema} (tenants move --cleanup), then run the move again.`, { step: 'source-retired' });
    }
    if (found.live) {
      await client.query(`alter schema ${quoteIdentifier(schema)} rename to ${quoteIdentifier(movedSchema)}`);
    }
    if (found.role && (found.moved || found.live)) {
      await client.query(`revoke usage on schema ${quoteIdentifier(movedSchema)} from ${quoteIdentifier(role)}`);
    }
  };
  if (frozen) return work(frozen);
  return withMoveClient(ctx.plan.source.url, work);
}
