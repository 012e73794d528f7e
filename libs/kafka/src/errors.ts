import { TenantryError, type ErrorCode } from '@tenantry/errors';

/** Context a plumbing error may carry, so logs and dead letters say where it happened. */
export interface KafkaErrorContext {
  topic?: string;
  partition?: number;
  offset?: string;
  cause?: unknown;
}

/**
 * Root of the @tenantry/kafka error tree. The throw site picks the code, whose entry in the error
 * list says `retriable`; the consumer runner only reads it: retriable errors are retried with
 * backoff, the rest go to the dead-letter topic.
 */
export class KafkaPlumbingError extends TenantryError {
  override name = 'KafkaPlumbingError';
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;

  constructor(code: ErrorCode, message: string, context: KafkaErrorContext = {}) {
    super(code, message, { cause: context.cause });
    this.topic = context.topic;
    this.partition = context.partition;
    this.offset = context.offset;
  }
}

/** A failure that may pass on a later attempt (a timeout, a lock, a broker hiccup). */
export class RetriableError extends KafkaPlumbingError {
  override name = 'RetriableError';
  constructor(message: string, context: KafkaErrorContext = {}) {
    super('TNT_ERR_KAFKA_RETRIABLE', message, context);
  }
}

/** A failure no retry can fix (a poison message, a contract violation): dead-letter it now. */
export class NonRetriableError extends KafkaPlumbingError {
  override name = 'NonRetriableError';
  constructor(message: string, context: KafkaErrorContext = {}, code: ErrorCode = 'TNT_ERR_KAFKA_NON_RETRIABLE') {
    super(code, message, context);
  }
}

/** Thrown by createRetry when every attempt failed; `cause` is the last error. */
export class RetriesExhaustedError extends NonRetriableError {
  override name = 'RetriesExhaustedError';
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`Gave up after ${attempts} attempt(s): ${describeError(cause)}`, { cause }, 'TNT_ERR_KAFKA_RETRIES_EXHAUSTED');
    this.attempts = attempts;
  }
}

/** Thrown by a retry wait when the consumer is stopping; the message is left for redelivery. */
export class RetryAbortedError extends KafkaPlumbingError {
  override name = 'RetryAbortedError';
  constructor(cause?: unknown) {
    super('TNT_ERR_KAFKA_RETRY_ABORTED', 'Retry aborted because the consumer is stopping', { cause });
  }
}

/** Any error, ours or not, is retriable unless it says `retriable: false` (kafkajs errors do too). */
export function isRetriable(error: unknown): boolean {
  return !(typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === false);
}

/** `Name: message`, for logs and the `dlq-error` header. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
