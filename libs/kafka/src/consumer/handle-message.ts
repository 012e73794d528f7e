import type { Logger } from '@tenantry/logger';
import { traceIdOf } from '@tenantry/telemetry';
import type { KafkaMessage } from 'kafkajs';
import type { DeadLetterPublisher } from '../dead-letter.ts';
import { KafkaPlumbingError, RetriesExhaustedError, RetryAbortedError, describeError } from '../errors.ts';
import { inMessageSpan, messageTraceContext } from '../message-trace.ts';
import { createRetry } from '../retry.ts';
import type { MessageOutcome, RunConsumerOptions } from './types.ts';

// While a handler runs (or waits to retry) kafkajs does not heartbeat by itself; without this a
// slow handler (a long provisioning) would get the member evicted after sessionTimeout.
const HEARTBEAT_EVERY_MS = 2_000;

/** Where one message came from, and what the batch lends it: kafkajs' heartbeat and a way to park. */
export interface MessageAt {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat: () => Promise<void>;
  park: () => void;
}

export type MessageHandler = (at: MessageAt) => Promise<MessageOutcome>;

interface HandlerDeps {
  options: Pick<RunConsumerOptions, 'groupId' | 'handle' | 'retry' | 'logFields'>;
  log: Logger;
  deadLetters: DeadLetterPublisher;
  /** The consumer's stop: retry waits end at once and the message is left. */
  signal: AbortSignal;
}

/**
 * The retry-and-dead-letter role: runs the handler with in-process retries (each try a CONSUMER
 * span), heartbeating meanwhile; a message that keeps failing goes to the dead-letter topic.
 * 'left' when the consumer stops while it waits to retry: it stays uncommitted.
 */
export function createMessageHandler(deps: HandlerDeps): MessageHandler {
  const { options, log, signal } = deps;
  return async (at) => {
    const { topic, partition, message, heartbeat } = at;
    const where = { topic, partition, offset: message.offset, ...options.logFields?.(message) };
    // The runner's own lines about this message (retry, dead letter) carry its trace too.
    const trace = messageTraceContext(message);
    const traced = { ...where, trace_id: traceIdOf(trace.traceparent) ?? null };
    let attempt = 0;
    const retry = createRetry({
      ...options.retry,
      signal,
      onRetry: ({ error, attempt: failed, delayMs }) => log.warn({ ...traced, attempt: failed, delayMs, err: error }, 'handler failed, retrying'),
    });
    const beat = setInterval(() => heartbeat().catch((error) => log.debug({ err: error }, 'heartbeat failed')), HEARTBEAT_EVERY_MS);
    try {
      await retry((n) => {
        attempt = n;
        // Each try is a CONSUMER span continuing the producer's trace (message-trace.ts).
        return inMessageSpan({ topic, partition, groupId: options.groupId, attempt: n }, message, trace, () => options.handle(consumed(at, n)));
      });
    } catch (error) {
      if (error instanceof RetryAbortedError) {
        log.info(traced, 'consumer stopping: message left uncommitted for redelivery');
        return 'left';
      }
      await deadLetter(deps, at, error instanceof RetriesExhaustedError ? error.cause : error, attempt, { where, traced });
    } finally {
      clearInterval(beat);
    }
    return 'done';
  };
}

/** The record as the handler sees it on try `attempt`. */
function consumed({ topic, partition, message, park }: MessageAt, attempt: number) {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
    attempt,
    park,
  };
}

/** Publishes the dead letter; if that fails the message is not finished (kafkajs fetches it again, never lost). */
async function deadLetter(
  { deadLetters, log }: HandlerDeps,
  { topic, partition, message }: MessageAt,
  cause: unknown,
  attempts: number,
  fields: { where: Record<string, unknown>; traced: Record<string, unknown> },
): Promise<void> {
  try {
    const dlq = await deadLetters.publish({ topic, partition, message }, cause, attempts);
    log.error({ ...fields.traced, attempts, dlq, err: cause }, `message dead-lettered: ${describeError(cause)}`);
  } catch (publishError) {
    throw new KafkaPlumbingError('TNT_ERR_KAFKA_DEAD_LETTER_FAILED', `Could not dead-letter ${topic}[${partition}]@${message.offset}: ${describeError(publishError)}`, {
      ...fields.where,
      cause: publishError,
    });
  }
}
