import type { SourceFreeze } from './freeze-source.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows } from './move-connection.ts';
import { freezeTimedOut, moveAborted } from './move-errors.ts';
import { pollUntil } from './poll.ts';

/**
 * Inside the freeze: waits until the subscription has confirmed the WAL position read after the
 * last write (the slot's confirmed_flush_lsn reaches it), i.e. the target holds every row the
 * tenant wrote on the source.
 */
export async function waitFinalLsn(ctx: MoveContext, freeze: SourceFreeze, { deadline, timeoutMs }: { deadline: number; timeoutMs: number }): Promise<void> {
  await pollUntil(
    async () => {
      const [slot] = await queryRows<{ reached: boolean }>(
        freeze.client,
        'select confirmed_flush_lsn >= $1::pg_lsn as reached from pg_replication_slots where slot_name = $2',
        [freeze.finalLsn, ctx.names.replication],
      );
      return slot?.reached ? true : undefined;
    },
    {
      deadline,
      intervalMs: 20,
      signal: ctx.signal,
      onAbort: () => moveAborted('drained'),
      onTimeout: () => freezeTimedOut(ctx.names.schema, timeoutMs, `the target did not confirm WAL position ${freeze.finalLsn}`),
    },
  );
}
