/** Exit codes of the operator CLI (also in apps/cli/README.md). */
export const EXIT = {
  ok: 0,
  /** Some of the work failed (a redrive that could not send, an outbox older than allowed). */
  failed: 1,
  /** Bad usage or a refusal: wrong arguments, unknown tenant or group, a consumer group still active. */
  usage: 2,
} as const;

/** An error the CLI reports as one line on stderr, exiting with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.exitCode = exitCode;
  }
}
