export { requestTenantMove, type TenantMoveRequest } from './request-tenant-move.ts';
export { flipTenantPlacement } from './flip-tenant-placement.ts';
export {
  MOVES_CHANNEL,
  readOpenTenantMove,
  readLatestTenantMove,
  listOpenTenantMoves,
  listMovesToClean,
  advanceTenantMove,
  finishTenantMove,
  markMoveCleaned,
} from './move-journal.ts';
export { TenantMoveRefusedError, TenantMoveNotOpenError } from './errors.ts';
export type { TenantMoveRecord, TenantMoveMode, TenantMoveOutcome } from './tenant-move-record.ts';
