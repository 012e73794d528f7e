import { quoteIdentifier } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { withMoveClient } from './move-connection.ts';
import { dropSlot, dropTableSyncSlots } from './replication-slot.ts';
import { findSubscription } from './subscribe-target.ts';

/**
 * Removes the move's replication, each piece only if it is there: the subscription is disabled
 * and detached from its slot (so dropping it never has to reach the source), the slots (the
 * move's, and any a table copy left) are dropped on the source while the subscription still
 * names its oid, then the subscription, then the publication.
 */
export async function removeReplication(ctx: MoveContext): Promise<void> {
  const { replication } = ctx.names;
  const name = quoteIdentifier(replication);
  await withMoveClient(ctx.plan.target.url, async (target) => {
    await withMoveClient(ctx.plan.source.url, async (source) => {
      const subscription = await findSubscription(target, replication);
      if (subscription?.enabled) await target.query(`alter subscription ${name} disable`);
      if (subscription?.slot) await target.query(`alter subscription ${name} set (slot_name = none)`);
      await dropSlot(source, replication);
      if (subscription) {
        await dropTableSyncSlots(source, subscription.oid, ctx.target.systemId);
        await target.query(`drop subscription if exists ${name}`);
      }
      await source.query(`drop publication if exists ${name}`);
    });
  });
}
