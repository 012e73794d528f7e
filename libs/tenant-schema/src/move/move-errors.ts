import type { ErrorCode } from '@tenantry/errors';
import { TenantSchemaError } from '../errors.ts';
import type { MoveState } from './move-types.ts';

/** A move failed; `step` is the step it was in (the journal still holds the last one completed). */
export class TenantMoveError extends TenantSchemaError {
  readonly step: MoveState | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; step?: MoveState } = {}) {
    super(code, message, options);
    this.name = 'TenantMoveError';
    this.step = options.step;
  }
}

export function needsLogicalReplication(database: string, problem: string): TenantMoveError {
  return new TenantMoveError(
    'TNT_ERR_MOVE_NEEDS_LOGICAL_REPLICATION',
    `Database "${database}" cannot be the source of an online move: ${problem}. An online move needs wal_level=logical ` +
      `on the source (set it in postgresql.conf and restart that server); or move the tenant with --offline ` +
      `(its writes are refused while its schema is copied with pg_dump/pg_restore).`,
  );
}

export function freezeTimedOut(schema: string, timeoutMs: number, what: string, cause?: unknown): TenantMoveError {
  return new TenantMoveError(
    'TNT_ERR_MOVE_FREEZE_TIMEOUT',
    `The write freeze of ${schema} did not complete within ${timeoutMs} ms (${what}); it was undone and the source ` +
      `serves the tenant again. Retry the move (at a quieter moment, or with a longer freeze timeout).`,
    { cause, step: 'frozen' },
  );
}

export function moveAborted(step: MoveState | undefined): TenantMoveError {
  return new TenantMoveError('TNT_ERR_MOVE_ABORTED', `The move was stopped${step ? ` during ${step}` : ''}; run it again to continue, or undo it.`, {
    step,
  });
}

/** Anything unexpected in a step: retriable, since every step checks before it acts. */
export function stepFailed(step: MoveState, schema: string, cause: unknown): TenantSchemaError {
  if (cause instanceof TenantSchemaError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TenantMoveError('TNT_ERR_MOVE_STEP_FAILED', `Moving ${schema} failed in step ${step}: ${reason}. Run the move again to continue, or undo it.`, {
    cause,
    step,
  });
}
