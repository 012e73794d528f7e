import type { ErrorCode } from '@tenantry/errors';

/** Exit codes of the operator CLI (also in apps/cli/README.md). */
export const EXIT = {
  ok: 0,
  /** Some of the work failed (a redrive that could not send, an outbox older than allowed). */
  failed: 1,
  /** Bad usage or a refusal: wrong arguments, unknown tenant or group, a consumer group still active. */
  usage: 2,
} as const;

/**
 * An error the CLI reports as one line on stderr, exiting with `exitCode`; `code`: the error-list
 * code of the error it wraps, if any.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  readonly code?: ErrorCode;
  constructor(message: string, exitCode: number = EXIT.usage, code?: ErrorCode) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
  }
}
