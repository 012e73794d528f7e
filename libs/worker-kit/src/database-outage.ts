import { TenantryError } from '@tenantry/errors';
import { RetryAbortedError, abortableSleep } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';

/** Socket-level failures: the database host or port cannot be reached, or the link broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * SQLSTATEs meaning "no usable connection": admin/crash shutdown, server starting up, too many
 * connections. Class 08 (connection exception) is matched by prefix below.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

const MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection (is )?closed/i;

function unreachable(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return typeof message === 'string' && MESSAGES.test(message);
}

/**
 * True when `error`, or anything in its `cause` / AggregateError chain, says the database cannot be
 * reached. Such failures say nothing about the tenant or the message: the provisioner never reports
 * them as a provisioning failure, and waitOutDatabaseOutages holds the message until the database
 * answers again.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (unreachable(current)) return true;
    queue.push((current as { cause?: unknown }).cause);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) queue.push(...nested);
  }
  return false;
}

/** The tenant database a failure happened on, when the thrower said (TenantDatabaseUnreachableError). */
function databaseOf(error: unknown): string | undefined {
  for (let current = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    if (current instanceof TenantDatabaseUnreachableError) return current.database;
  }
  return undefined;
}

/**
 * A tenant database could not be reached: thrown by the workers around the work they do on one
 * (the cause is the driver's error), so the wait's log line names the database.
 */
export class TenantDatabaseUnreachableError extends TenantryError {
  readonly database: string;
  constructor(database: string, cause: unknown) {
    super('TNT_ERR_DATABASE_UNREACHABLE', `tenant database "${database}" cannot be reached`, { cause });
    this.database = database;
  }
}

export interface WaitOutDatabaseOutagesOptions<A extends unknown[] = unknown[]> {
  /** Aborted when the consumer stops: the wait ends and the message is left uncommitted, to be redelivered. */
  signal: AbortSignal;
  /** Where the wait is logged (the event's child logger when held by holdThroughOutages). */
  logger: Logger;
  /** First wait before trying the message again; doubles up to `maxDelayMs`. Default 500 ms. */
  initialDelayMs?: number;
  /** Default 5 s: the message runs again at most this long after the database is back. */
  maxDelayMs?: number;
  /**
   * Called once when the wait begins. The provisioner and dte-sync park the message there
   * (`ConsumedMessage.park`): the outage is of the tenant's own database, so tenants on other
   * databases go on while this one waits.
   */
  onWait?: (...args: A) => void;
}

/**
 * Wraps a message handler so that a database outage is waited out instead of spending the consumer
 * runner's retries (5 tries over ~5 s, then the dead-letter topic, where the message would wait for
 * an operator's redrive while its tenant stayed pending or its issuer stale). While the handler
 * fails because the database cannot be reached, the same message is tried again, with backoff, for
 * as long as the outage lasts; the runner keeps heartbeating meanwhile and nothing is committed, so
 * the partition simply waits. Any other error goes to the runner as before. When `signal` aborts,
 * a RetryAbortedError tells the runner to leave the message for redelivery.
 */
export function waitOutDatabaseOutages<A extends unknown[]>(
  handle: (...args: A) => Promise<void>,
  { signal, logger, initialDelayMs = 500, maxDelayMs = 5_000, onWait }: WaitOutDatabaseOutagesOptions<A>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    let since: number | undefined;
    let delay = initialDelayMs;
    for (;;) {
      try {
        await handle(...args);
        if (since !== undefined) logger.info({ waited_ms: Date.now() - since }, 'database answers again; message handled');
        return;
      } catch (error) {
        if (!isDatabaseUnreachable(error)) throw error;
        if (signal.aborted) throw new RetryAbortedError(error);
        if (since === undefined) {
          since = Date.now();
          const database = databaseOf(error);
          logger.warn({ err: error, ...(database ? { database } : {}) }, 'database unreachable; holding this message until it answers');
          onWait?.(...args);
        }
        await abortableSleep(delay, signal);
        delay = Math.min(delay * 2, maxDelayMs);
      }
    }
  };
}
