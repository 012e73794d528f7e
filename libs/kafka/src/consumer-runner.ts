import type { Logger } from '@tenantry/logger';
import type { Consumer, EachMessagePayload, IHeaders, Kafka as KafkaClient } from 'kafkajs';
import { createDeadLetterPublisher } from './dead-letter.ts';
import { KafkaPlumbingError, RetriesExhaustedError, RetryAbortedError, describeError } from './errors.ts';
import { createIdempotentProducer, type IdempotentProducer } from './producer.ts';
import { createRetry, type RetryOptions } from './retry.ts';

/** What a handler receives: one Kafka record plus where it came from. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
  /** 1 on the first try, +1 per in-process retry (restarts and redeliveries start at 1 again). */
  attempt: number;
}

export interface RunConsumerOptions {
  kafka: KafkaClient;
  groupId: string;
  /** Must exist (see ensureTopics): the runner never auto-creates topics with broker defaults. */
  topics: string[];
  /** Where a group without committed offsets starts; default false (only new messages). */
  fromBeginning?: boolean;
  /** Throw to retry; throw an error with `retriable === false` to dead-letter at once. */
  handle: (message: ConsumedMessage) => Promise<void>;
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>>;
  logger: Logger;
  /** Partitions handled in parallel; order within a partition is always kept. Default 1. */
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  /** Longest idle fetch wait; also bounds how long `ready` takes. Default 1000 ms. */
  maxWaitTimeInMs?: number;
  /** Producer for dead letters; by default the runner creates one and disconnects it in stop(). */
  deadLetterProducer?: IdempotentProducer;
  /** Called when kafkajs gives up for good (the consumer will not restart); e.g. exit the process. */
  onFatal?: (error: Error) => void;
}

export interface RunningConsumer {
  /** Resolves once the consumer joined its group and resolved its start offsets. */
  ready: Promise<void>;
  /** Finishes the in-flight message (or leaves it for redelivery if it is waiting to retry), leaves the group, disconnects. */
  stop(): Promise<void>;
}

// While a handler runs (or waits to retry) kafkajs does not heartbeat by itself; without this a
// slow handler (a long provisioning) would get the member evicted after sessionTimeout.
const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Consumes `topics` as `groupId`, one message at a time per partition, at least once: an offset is
 * committed only after the handler succeeded or the message was dead-lettered to
 * `<topic>.<groupId>.dlq`. Failed messages are retried in-process with exponential backoff.
 */
export function runConsumer(options: RunConsumerOptions): RunningConsumer {
  const { kafka, groupId, topics, handle, logger } = options;
  const log = logger.child({ component: 'consumer', groupId });
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
    ...(options.sessionTimeout ? { sessionTimeout: options.sessionTimeout } : {}),
  });
  const producer = options.deadLetterProducer ?? createIdempotentProducer(kafka);
  const deadLetters = createDeadLetterPublisher(kafka, producer, groupId);
  const stopping = new AbortController();

  let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  ready.catch(() => undefined); // a caller that never awaits `ready` must not get an unhandled rejection
  watchLifecycle(consumer, log, settleReady!, options.onFatal);

  // Messages being handled right now; stop() lets them finish and commit before it stops kafkajs,
  // because kafkajs silently drops commitOffsets() once its runner is stopping.
  const inFlight = new Set<Promise<void>>();

  const processMessage = async ({ topic, partition, message, heartbeat }: EachMessagePayload) => {
    // After stop() began, nothing more is handled or committed: an abandoned message must not be
    // skipped over by a later commit on the same partition.
    if (stopping.signal.aborted) return;
    const where = { topic, partition, offset: message.offset };
    let attempt = 0;
    const retry = createRetry({
      ...options.retry,
      signal: stopping.signal,
      onRetry: ({ error, attempt: failed, delayMs }) =>
        log.warn({ ...where, attempt: failed, delayMs, err: error }, 'handler failed, retrying'),
    });
    const beat = setInterval(() => heartbeat().catch((error) => log.debug({ err: error }, 'heartbeat failed')), HEARTBEAT_EVERY_MS);
    try {
      await retry((n) => {
        attempt = n;
        return handle({
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          timestamp: message.timestamp,
          attempt: n,
        });
      });
    } catch (error) {
      if (error instanceof RetryAbortedError) {
        log.info(where, 'consumer stopping: message left uncommitted for redelivery');
        return;
      }
      const cause = error instanceof RetriesExhaustedError ? error.cause : error;
      try {
        const dlq = await deadLetters.publish({ topic, partition, message }, cause, attempt);
        log.error({ ...where, attempts: attempt, dlq, err: cause }, `message dead-lettered: ${describeError(cause)}`);
      } catch (publishError) {
        // Not committing makes kafkajs fetch the message again, so it is never lost.
        throw new KafkaPlumbingError(`Could not dead-letter ${topic}[${partition}]@${message.offset}: ${describeError(publishError)}`, true, {
          ...where,
          cause: publishError,
        });
      }
    } finally {
      clearInterval(beat);
    }
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  };

  const started = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => {
        const processing = processMessage(payload);
        inFlight.add(processing);
        return processing.finally(() => inFlight.delete(processing));
      },
    });
  })();
  started.catch((error: Error & { type?: string }) => {
    const hint = error.type === 'UNKNOWN_TOPIC_OR_PARTITION' ? ' Create the topics first (ensureTopics / tenantTopics).' : '';
    const failure = new KafkaPlumbingError(
      `Consumer ${groupId} could not start on ${topics.join(', ')}: ${error.message}.${hint}`,
      error.type !== 'UNKNOWN_TOPIC_OR_PARTITION',
      { cause: error },
    );
    log.error({ err: failure, topics }, 'consumer could not start');
    settleReady!.reject(failure);
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping.abort(); // no new message starts; retry waits end at once
      settleReady!.reject(new Error(`Consumer ${groupId} was stopped before it became ready`));
      const running = await started.then(
        () => true,
        () => false,
      );
      if (running) {
        consumer.pause(topics.map((topic) => ({ topic }))); // no further fetching while we drain
        await Promise.allSettled([...inFlight]); // handlers finish and commit while kafkajs still runs
      }
      await consumer.disconnect(); // leaves the group
      if (!options.deadLetterProducer) await producer.disconnect();
      log.info('consumer stopped');
    })());

  return { ready, stop };
}

function watchLifecycle(
  consumer: Consumer,
  log: Logger,
  ready: { resolve: () => void; reject: (error: Error) => void },
  onFatal?: (error: Error) => void,
) {
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    log.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
  });
  // Start offsets are resolved right before the first fetch, so the first FETCH after joining
  // means "messages produced from now on will be seen".
  consumer.on(consumer.events.FETCH, () => {
    if (joined) ready.resolve();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    if (!payload.restart) {
      ready.reject(payload.error);
      onFatal?.(payload.error);
    }
  });
}
