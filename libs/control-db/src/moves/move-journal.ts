import type { ControlOrm } from '../orm/index.ts';
import { TenantMoveNotOpenError } from './errors.ts';
import { MOVE_COLUMNS, toTenantMove, type MoveColumns, type TenantMoveOutcome, type TenantMoveRecord } from './tenant-move-record.ts';

/** Woken (NOTIFY, delivered on commit) when a move is requested, so a runner starts it at once. */
export const MOVES_CHANNEL = 'tenantry_moves';

async function selectMoves(orm: ControlOrm, where: string, params: unknown[]): Promise<TenantMoveRecord[]> {
  const rows = await orm.em.fork().execute<MoveColumns[]>(`select ${MOVE_COLUMNS} from tenant_moves m ${where}`, params);
  return rows.map(toTenantMove);
}

/** The tenant's move in progress, if any. */
export async function readOpenTenantMove(orm: ControlOrm, tenantId: string): Promise<TenantMoveRecord | null> {
  const [move] = await selectMoves(orm, 'where m.tenant_id = ? and m.finished_at is null', [tenantId]);
  return move ?? null;
}

/** The tenant's latest move, open or ended (for `tenants move --status`). */
export async function readLatestTenantMove(orm: ControlOrm, tenantId: string): Promise<TenantMoveRecord | null> {
  const [move] = await selectMoves(orm, 'where m.tenant_id = ? order by m.id desc limit 1', [tenantId]);
  return move ?? null;
}

/** Every move in progress, oldest first: what a runner resumes after a crash. */
export function listOpenTenantMoves(orm: ControlOrm): Promise<TenantMoveRecord[]> {
  return selectMoves(orm, 'where m.finished_at is null order by m.id', []);
}

/** Ended moves whose old schema still waits for `--cleanup` (one tenant's, or all). */
export function listMovesToClean(orm: ControlOrm, tenantId?: string): Promise<TenantMoveRecord[]> {
  const byTenant = tenantId ? 'and m.tenant_id = ?' : '';
  return selectMoves(orm, `where m.state = 'done' and m.old_schema is not null and m.cleaned_at is null ${byTenant} order by m.id`, tenantId ? [tenantId] : []);
}

async function updateOpenMove(orm: ControlOrm, moveId: string, set: string, params: unknown[]): Promise<void> {
  const rows = await orm.em.fork().execute<{ id: string }[]>(
    `update tenant_moves set ${set}, updated_at = now() where id = ? and finished_at is null returning id::text as id`,
    [...params, moveId],
  );
  if (rows.length === 0) throw new TenantMoveNotOpenError(moveId);
}

/** Records the step the engine just completed (the journal the engine resumes from). */
export function advanceTenantMove(orm: ControlOrm, moveId: string, state: string): Promise<void> {
  return updateOpenMove(orm, moveId, 'state = ?', [state]);
}

/** Ends the move: `done` after the flip and the source's retirement, `undone`/`failed` before the flip. */
export function finishTenantMove(orm: ControlOrm, moveId: string, outcome: TenantMoveOutcome, error: string | null = null): Promise<void> {
  return updateOpenMove(orm, moveId, 'state = ?, error = ?, finished_at = now()', [outcome, error]);
}

/** The old schema of a finished move was dropped. */
export async function markMoveCleaned(orm: ControlOrm, moveId: string): Promise<void> {
  await orm.em.fork().execute(`update tenant_moves set cleaned_at = now(), updated_at = now() where id = ?`, [moveId]);
}
