import { quoteIdentifier } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient, type MoveClient } from './move-connection.ts';

export interface SubscriptionRow {
  oid: string;
  enabled: boolean;
  slot: string | null;
}

/** The move's subscription in the target database (pg_subscription is shared by the server's databases). */
export async function findSubscription(client: MoveClient, name: string): Promise<SubscriptionRow | null> {
  const [row] = await queryRows<{ oid: string; subenabled: boolean; subslotname: string | null }>(
    client,
    `select oid::text as oid, subenabled, subslotname from pg_subscription
      where subname = $1 and subdbid = (select oid from pg_database where datname = current_database())`,
    [name],
  );
  return row ? { oid: row.oid, enabled: row.subenabled, slot: row.subslotname } : null;
}

/**
 * Target step: the subscription, on the slot the source step made (create_slot = false), with the
 * initial copy of every published table. Its connection string is the source's URL as the target
 * server reaches it; PostgreSQL keeps it in pg_subscription, readable by superusers only.
 */
export async function subscribeTarget(ctx: MoveContext): Promise<void> {
  const { replication } = ctx.names;
  const { source } = ctx.plan;
  await withMoveClient(ctx.plan.target.url, async (client) => {
    const found = await findSubscription(client, replication);
    if (found) {
      if (!found.enabled) await client.query(`alter subscription ${quoteIdentifier(replication)} enable`);
      return;
    }
    const name = quoteIdentifier(replication);
    await client.query(
      `create subscription ${name} connection ${client.escapeLiteral(source.replicationUrl ?? source.url)} publication ${name}
         with (create_slot = false, slot_name = ${client.escapeLiteral(replication)}, copy_data = true, enabled = true)`,
    );
  });
}
