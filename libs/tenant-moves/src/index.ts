export { runOpenTenantMove, abortOpenTenantMove, type MoveRunnerDeps } from './run-tenant-move.ts';
export { cleanupMovedSchemas } from './cleanup-moved-schemas.ts';
export { startMoveRunner, type MoveRunner, type MoveRunnerOptions } from './move-runner.ts';
export { TenantMoveBusyError } from './errors.ts';
