import {
  advanceTenantMove,
  finishTenantMove,
  flipTenantPlacement,
  readOpenTenantMove,
  readTenantPlacement,
  type ControlOrm,
  type TenantMoveRecord,
} from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';
import { movedSchemaNameFor, runTenantMove, undoTenantMove, type MoveJournal, type MoveState, type TenantMovePlan } from '@tenantry/tenant-schema';
import type { Pool } from 'pg';
import { TenantMoveBusyError } from './errors.ts';
import { failpoint } from './failpoint.ts';
import { tryLockTenantMove } from './move-lock.ts';

export interface MoveRunnerDeps {
  orm: ControlOrm;
  /** The control schema's name (placement reads use plain SQL on the ORM's pool). */
  controlSchema: string;
  databases: TenantDatabases;
  logger: Logger;
  /** Longest write freeze before the move gives up and undoes it (default: the engine's). */
  freezeTimeoutMs?: number;
  signal?: AbortSignal;
  /** Told each step as it completes (the CLI prints them). */
  onStep?: (state: string) => void;
}

/** States from which the flip has committed: a failure there is finished forwards, never undone. */
const AFTER_FLIP = new Set<string>(['flipped', 'source-retired', 'unfrozen']);

async function planOf(deps: MoveRunnerDeps, move: TenantMoveRecord): Promise<TenantMovePlan> {
  const pool = await controlPool(deps.orm);
  const placement = await readTenantPlacement(pool, deps.controlSchema, move.tenantId);
  const endpoint = async (name: string) => ({ name, url: await deps.databases.url(name) });
  return {
    tenantId: move.tenantId,
    source: await endpoint(move.from),
    target: await endpoint(move.to),
    mode: move.mode,
    roleLogin: placement?.isActive ?? false,
  };
}

async function controlPool(orm: ControlOrm): Promise<Pool> {
  return (await orm.em.getConnection().getNativeClient()) as Pool;
}

/** The engine's journal: the move row's state, read afresh (the flip writes it in its own transaction). */
function journalOf(deps: MoveRunnerDeps, move: TenantMoveRecord): MoveJournal {
  return {
    state: async () => ((await readOpenTenantMove(deps.orm, move.tenantId))?.state ?? 'done') as MoveState,
    advance: async (next: MoveState) => {
      await advanceTenantMove(deps.orm, move.id, next);
      deps.logger.info({ tenant_id: move.tenantId, move_id: move.id, state: next }, 'tenant move step done');
      deps.onStep?.(next);
      await failpoint(next);
    },
  };
}

/**
 * Runs (or resumes) the tenant's open move to its end. Before the flip, a failure undoes what the
 * move built and ends it `failed`, so the source keeps serving; after the flip, a failure leaves the
 * move open and a re-run finishes it. An interruption (signal, crash) leaves it open either way.
 */
export async function runOpenTenantMove(deps: MoveRunnerDeps, tenantId: string): Promise<TenantMoveRecord | null> {
  const lock = await tryLockTenantMove(await controlPool(deps.orm), tenantId);
  if (!lock) throw new TenantMoveBusyError(tenantId);
  try {
    const move = await readOpenTenantMove(deps.orm, tenantId);
    if (!move) return null;
    const plan = await planOf(deps, move);
    const journal = journalOf(deps, move);
    const flip = async () => {
      await flipTenantPlacement(deps.orm, move.id, movedSchemaNameFor(tenantId));
      await failpoint('flipped');
    };
    try {
      await runTenantMove(plan, { journal, flip, logger: deps.logger, signal: deps.signal, freezeTimeoutMs: deps.freezeTimeoutMs });
    } catch (error) {
      if (deps.signal?.aborted || AFTER_FLIP.has(await journal.state())) throw error;
      deps.logger.warn({ tenant_id: tenantId, move_id: move.id, err: error }, 'tenant move failed before the flip; undoing it');
      await undoTenantMove(plan, { journal, logger: deps.logger });
      await finishTenantMove(deps.orm, move.id, 'failed', (error as Error).message);
      throw error;
    }
    await finishTenantMove(deps.orm, move.id, 'done');
    return { ...move, state: 'done' };
  } finally {
    await lock.release();
  }
}

/** Undoes the tenant's open move if it has not flipped (operator's `tenants move --abort`). */
export async function abortOpenTenantMove(deps: MoveRunnerDeps, tenantId: string): Promise<TenantMoveRecord | null> {
  const lock = await tryLockTenantMove(await controlPool(deps.orm), tenantId);
  if (!lock) throw new TenantMoveBusyError(tenantId);
  try {
    const move = await readOpenTenantMove(deps.orm, tenantId);
    if (!move) return null;
    if (AFTER_FLIP.has(move.state)) return move; // flipped: only finishing forwards is left
    await undoTenantMove(await planOf(deps, move), { journal: journalOf(deps, move), logger: deps.logger });
    await finishTenantMove(deps.orm, move.id, 'undone');
    return { ...move, state: 'undone' };
  } finally {
    await lock.release();
  }
}
