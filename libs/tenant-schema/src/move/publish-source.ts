import { quoteIdentifier } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient, type MoveClient } from './move-connection.ts';
import { dropSlot } from './replication-slot.ts';

async function publicationExists(client: MoveClient, name: string): Promise<boolean> {
  return (await queryRows(client, 'select 1 from pg_publication where pubname = $1', [name])).length > 0;
}

async function slotExists(client: MoveClient, name: string): Promise<boolean> {
  return (await queryRows(client, 'select 1 from pg_replication_slots where slot_name = $1', [name])).length > 0;
}

/**
 * Source step: a publication of every table in the tenant's schema, then a logical replication
 * slot for the subscription. The slot is made here, not by CREATE SUBSCRIPTION: when source and
 * target are databases of one server, a subscription creating its own slot waits for its own
 * transaction and hangs. The publication must predate the slot (pgoutput reads it as of each
 * change's LSN), so a slot without its publication is made again.
 */
export async function publishSource(ctx: MoveContext): Promise<void> {
  const { schema, replication } = ctx.names;
  await withMoveClient(ctx.plan.source.url, async (client) => {
    if (!(await publicationExists(client, replication))) {
      await dropSlot(client, replication);
      await client.query(`create publication ${quoteIdentifier(replication)} for tables in schema ${quoteIdentifier(schema)}`);
    }
    if (!(await slotExists(client, replication))) {
      await client.query(`select pg_create_logical_replication_slot($1, 'pgoutput')`, [replication]);
    }
  });
}
