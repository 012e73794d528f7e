import { assertSameTables } from './assert-same-tables.ts';
import { copySchemaOffline, prepareOfflineTarget } from './copy-schema-offline.ts';
import { freezeSource, unfreezeSource, type SourceFreeze } from './freeze-source.ts';
import { moveNamesFor, openMoveContext, type MoveContext } from './move-context.ts';
import { openTarget } from './open-target.ts';
import { moveAborted, stepFailed, TenantMoveError } from './move-errors.ts';
import { isBefore, type MoveJournal, type MoveState, type RunTenantMoveOptions, type TenantMovePlan } from './move-types.ts';
import { assertMovable } from './preflight.ts';
import { prepareTarget } from './prepare-target.ts';
import { publishSource } from './publish-source.ts';
import { removeReplication } from './remove-replication.ts';
import { retireSource } from './retire-source.ts';
import { subscribeTarget } from './subscribe-target.ts';
import { syncSequences } from './sync-sequences.ts';
import { waitCatchUp } from './wait-catch-up.ts';
import { waitFinalLsn } from './wait-final-lsn.ts';

const DEFAULTS = { freezeTimeoutMs: 10_000, catchUpTimeoutMs: 30 * 60_000, catchUpLagBytes: 1024 * 1024 };

/** The journal as the run knows it: steps are recorded forward only, except an undone freeze. */
class Progress {
  readonly #journal: MoveJournal;
  readonly #ctx: MoveContext;
  state: MoveState;

  constructor(journal: MoveJournal, state: MoveState, ctx: MoveContext) {
    this.#journal = journal;
    this.state = state;
    this.#ctx = ctx;
  }

  /** Runs `work` unless the journal says `step` is done, then records it. */
  async step(step: MoveState, work: () => Promise<unknown>): Promise<void> {
    if (!isBefore(this.state, step)) return;
    await this.#run(step, work);
    await this.record(step);
  }

  /** Runs `work` whatever the journal says (the freeze's steps hold nothing across a crash), records it if new. */
  async redo(step: MoveState, work: () => Promise<unknown>): Promise<void> {
    await this.#run(step, work);
    if (isBefore(this.state, step)) await this.record(step);
  }

  async record(state: MoveState): Promise<void> {
    await this.#journal.advance(state);
    this.state = state;
  }

  async reread(): Promise<MoveState> {
    this.state = await this.#journal.state();
    return this.state;
  }

  async #run(step: MoveState, work: () => Promise<unknown>): Promise<void> {
    if (this.#ctx.signal?.aborted) throw moveAborted(step);
    const started = performance.now();
    try {
      await work();
    } catch (error) {
      throw stepFailed(step, this.#ctx.names.schema, error);
    }
    this.#ctx.log?.info({ step, duration_ms: Math.round(performance.now() - started) }, 'tenant move step done');
  }
}

/**
 * Moves one tenant's schema (and role) from `plan.source` to `plan.target`, resuming from the
 * journal's state: every step checks before it acts, so a run killed at any point is finished by
 * running it again. Online (`logical`): target built at the source's version and emptied,
 * publication + slot, subscription with the initial copy, catch-up, then the freeze (see
 * runFreeze), `flip()`, LOGIN on the target, replication removed. Offline: the same freeze with
 * a pg_dump/pg_restore copy inside it.
 */
export async function runTenantMove(plan: TenantMovePlan, options: RunTenantMoveOptions): Promise<void> {
  const state = await options.journal.state();
  if (state === 'done') return;
  const ctx = await openMoveContext(plan, options).catch(async (error: unknown) => {
    if (!isBefore(state, 'flipped') && isBefore(state, 'unfrozen')) {
      // Flipped, and a server does not answer. If it is the source's (so not the target's, which
      // would share it), the target serves the tenant now: let it in there while the source's
      // retirement waits for the next run.
      await openTarget(plan, moveNamesFor(plan.tenantId)).catch(() => undefined);
    }
    throw error;
  });
  const progress = new Progress(options.journal, state, ctx);
  let frozenAt: number | undefined;
  ctx.log?.info({ state: progress.state }, 'tenant move running');
  if (isBefore(progress.state, 'flipped')) {
    await assertMovable(ctx);
    if (plan.mode === 'logical') {
      // A fresh move first clears what an earlier, abandoned one of this tenant may have left.
      await progress.step('target-prepared', async () => {
        await removeReplication(ctx);
        await prepareTarget(ctx);
      });
      await progress.step('published', () => publishSource(ctx));
      await progress.step('subscribed', () => subscribeTarget(ctx));
      await progress.step('caught-up', () =>
        waitCatchUp(ctx, { timeoutMs: options.catchUpTimeoutMs ?? DEFAULTS.catchUpTimeoutMs, lagBytes: options.catchUpLagBytes ?? DEFAULTS.catchUpLagBytes }),
      );
    } else {
      await progress.step('target-prepared', () => prepareOfflineTarget(ctx));
    }
    frozenAt = await runFreeze(ctx, progress, options);
  }
  await progress.step('source-retired', () => retireSource(ctx));
  await progress.step('unfrozen', () => openTarget(plan, ctx.names));
  // From the freeze to LOGIN on the target: how long the tenant could not write (this run's freeze).
  if (frozenAt !== undefined) ctx.log?.info({ write_pause_ms: Math.round(performance.now() - frozenAt) }, 'tenant move unfrozen on the target');
  await progress.step('done', () => (plan.mode === 'logical' ? removeReplication(ctx) : Promise.resolve()));
  ctx.log?.info('tenant move done');
}

/**
 * The freeze, as one block that a resumed run starts again from the top (its lock dies with the
 * session that held it): freeze the source, wait until the target has everything (last LSN, or
 * the offline copy), sequences, `flip()`, and the source schema renamed before the lock goes.
 * Any failure before `flip()` was called undoes the freeze: the source serves again and the
 * journal goes back to the state before it. Once `flip()` was called the source stays frozen.
 * Returns when the freeze began (performance.now()).
 */
async function runFreeze(ctx: MoveContext, progress: Progress, options: RunTenantMoveOptions): Promise<number> {
  const timeoutMs = options.freezeTimeoutMs ?? DEFAULTS.freezeTimeoutMs;
  const beforeFreeze: MoveState = ctx.plan.mode === 'logical' ? 'caught-up' : 'target-prepared';
  const started = performance.now();
  let freeze: SourceFreeze | undefined;
  let flipCalled = false;
  try {
    const deadline = Date.now() + timeoutMs;
    await progress.redo('frozen', async () => (freeze = await freezeSource(ctx, { deadline, timeoutMs })));
    const frozen = freeze!;
    await progress.redo('drained', async () => {
      if (ctx.plan.mode === 'offline') return copySchemaOffline(ctx, options);
      await assertSameTables(ctx, frozen);
      await waitFinalLsn(ctx, frozen, { deadline, timeoutMs });
    });
    await progress.redo('sequences-synced', () => (ctx.plan.mode === 'logical' ? syncSequences(ctx, frozen) : Promise.resolve()));
    flipCalled = true;
    await options.flip();
    if ((await progress.reread()) !== 'flipped') {
      throw new TenantMoveError('TNT_ERR_MOVE_FLIP_NOT_JOURNALLED', `flip() returned but the journal says ${progress.state}; flip() must record 'flipped' in the transaction that moves the placement.`, {
        step: 'flipped',
      });
    }
    ctx.log?.info({ freeze_ms: Math.round(performance.now() - started) }, 'tenant move flipped');
    await progress.step('source-retired', () => retireSource(ctx, frozen.client));
    return started;
  } catch (error) {
    if (!flipCalled) await undoFreeze(ctx, progress, beforeFreeze, error);
    throw error;
  } finally {
    await freeze?.release();
  }
}

async function undoFreeze(ctx: MoveContext, progress: Progress, beforeFreeze: MoveState, cause: unknown): Promise<void> {
  ctx.log?.warn({ err: cause }, 'tenant move freeze failed; the source serves the tenant again');
  await unfreezeSource(ctx).catch((error) => ctx.log?.error({ err: error }, 'could not give LOGIN back on the source; run the move again or undo it'));
  if (isBefore(beforeFreeze, progress.state)) await progress.record(beforeFreeze).catch(() => undefined);
}
