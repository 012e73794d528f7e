import type { MoveContext } from './move-context.ts';
import { connectMove, queryRows, type MoveClient } from './move-connection.ts';
import { moveAborted, TenantMoveError } from './move-errors.ts';
import { pollUntil } from './poll.ts';
import { findSubscription } from './subscribe-target.ts';

interface CatchUp {
  tables: number;
  copying: number;
  lagBytes: number | null;
  errors: number;
}

async function readCatchUp(target: MoveClient, source: MoveClient, ctx: MoveContext): Promise<CatchUp> {
  const { replication } = ctx.names;
  const subscription = await findSubscription(target, replication);
  if (!subscription) throw new TenantMoveError('TNT_ERR_MOVE_SUBSCRIPTION_MISSING', `Subscription ${replication} is gone from "${ctx.plan.target.name}"; undo the move and start it again.`);
  const [rels] = await queryRows<{ tables: number; copying: number; errors: number }>(
    target,
    `select (select count(*)::int from pg_subscription_rel where srsubid = $1::oid) as tables,
            (select count(*)::int from pg_subscription_rel where srsubid = $1::oid and srsubstate <> 'r') as copying,
            coalesce((select (apply_error_count + sync_error_count)::int from pg_stat_subscription_stats where subid = $1::oid), 0) as errors`,
    [subscription.oid],
  );
  const [slot] = await queryRows<{ lag: string | null }>(
    source,
    `select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text as lag from pg_replication_slots where slot_name = $1`,
    [replication],
  );
  return { ...rels, lagBytes: slot?.lag == null ? null : Number(slot.lag) };
}

/**
 * Waits until every table finished its initial copy (pg_subscription_rel all 'r') and the slot's
 * confirmed position is within `lagBytes` of the source's current WAL: the freeze that follows
 * then only waits for the last few changes.
 */
export async function waitCatchUp(ctx: MoveContext, { timeoutMs, lagBytes }: { timeoutMs: number; lagBytes: number }): Promise<void> {
  const [target, source] = await Promise.all([connectMove(ctx.plan.target.url), connectMove(ctx.plan.source.url)]);
  let last: CatchUp | undefined;
  let reported = Date.now();
  try {
    await pollUntil(
      async () => {
        last = await readCatchUp(target, source, ctx);
        if (Date.now() - reported > 10_000) {
          reported = Date.now();
          ctx.log?.info({ tables: last.tables, copying: last.copying, lag_bytes: last.lagBytes, replication_errors: last.errors }, 'tenant move catching up');
        }
        const done = last.tables > 0 && last.copying === 0 && last.lagBytes !== null && last.lagBytes <= lagBytes;
        return done ? true : undefined;
      },
      {
        deadline: Date.now() + timeoutMs,
        intervalMs: 200,
        signal: ctx.signal,
        onAbort: () => moveAborted('caught-up'),
        onTimeout: () =>
          new TenantMoveError(
            'TNT_ERR_MOVE_CATCH_UP_TIMEOUT',
            `The target of ${ctx.names.schema} did not catch up within ${timeoutMs} ms (${last?.copying ?? '?'} of ${last?.tables ?? '?'} tables still copying, ` +
              `${last?.lagBytes ?? '?'} bytes behind, ${last?.errors ?? 0} replication errors: see the target server's log). Run the move again to keep waiting, or undo it.`,
            { step: 'caught-up' },
          ),
      },
    );
  } finally {
    await Promise.all([target.end().catch(() => undefined), source.end().catch(() => undefined)]);
  }
}
