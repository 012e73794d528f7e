/**
 * In-process retry of a failing handler. Five attempts spread over ~5 s ride out a lock or a
 * dropped connection, yet a poison message reaches the dead-letter topic quickly. A database outage
 * longer than that is not this policy's job: the tenant-events workers and tenant-api's
 * provisioning-results consumer wait it out (worker-kit's waitOutDatabaseOutages).
 */
export const RETRY_DEFAULTS = {
  /** Total tries, the first included. */
  attempts: 5,
  initialDelayMs: 300,
  maxDelayMs: 10_000,
  factor: 2,
  /** ±20 % randomization so consumers that failed together do not retry in lockstep. */
  jitter: 0.2,
} as const;
