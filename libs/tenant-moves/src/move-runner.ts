import { listOpenTenantMoves, MOVES_CHANNEL } from '@tenantry/control-db';
import type { Pool, PoolClient } from 'pg';
import { TenantMoveBusyError } from './errors.ts';
import { runOpenTenantMove, type MoveRunnerDeps } from './run-tenant-move.ts';

export interface MoveRunner {
  /** Finishes the step in progress is not waited for: the move stays open and is resumed later. */
  stop(): Promise<void>;
}

export interface MoveRunnerOptions {
  /** How often open moves are looked for without a wake-up (default 10 s): resumes moves a dead runner left. */
  pollMs?: number;
}

/**
 * Runs the moves requested through the API (`POST /v1/tenants/{id}/move`), one at a time, in a
 * long-running service (the provisioner): woken by NOTIFY on `tenantry_moves`, and every `pollMs`
 * for moves left open by a runner that died. A move another process runs is skipped.
 */
export function startMoveRunner(deps: Omit<MoveRunnerDeps, 'signal'>, options: MoveRunnerOptions = {}): MoveRunner {
  const stopping = new AbortController();
  const run = { ...deps, signal: stopping.signal };
  let wake: () => void = () => undefined;
  let listener: PoolClient | undefined;

  const listen = async () => {
    const pool = (await deps.orm.em.getConnection().getNativeClient()) as Pool;
    listener = await pool.connect();
    listener.on('notification', () => wake());
    await listener.query(`listen ${MOVES_CHANNEL}`);
  };

  const runOpenMoves = async () => {
    for (const move of await listOpenTenantMoves(deps.orm)) {
      if (stopping.signal.aborted) return;
      try {
        await runOpenTenantMove(run, move.tenantId);
      } catch (error) {
        if (error instanceof TenantMoveBusyError || stopping.signal.aborted) continue;
        deps.logger.error({ tenant_id: move.tenantId, move_id: move.id, err: error }, 'tenant move failed');
      }
    }
  };

  const loop = (async () => {
    await listen().catch((error) => deps.logger.warn({ err: error }, 'move runner cannot LISTEN; polling only'));
    while (!stopping.signal.aborted) {
      await runOpenMoves().catch((error) => deps.logger.warn({ err: error }, 'move runner could not read the open moves'));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 10_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        stopping.signal.addEventListener('abort', wake, { once: true });
      });
    }
  })();

  return {
    async stop() {
      stopping.abort();
      wake();
      await loop;
      listener?.release(true);
    },
  };
}
