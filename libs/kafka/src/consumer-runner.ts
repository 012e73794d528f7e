import type { Logger } from '@tenantry/logger';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Kafka as KafkaClient } from 'kafkajs';
import { createDeadLetterPublisher } from './dead-letter.ts';
import { KafkaPlumbingError, RetriesExhaustedError, RetryAbortedError, describeError } from './errors.ts';
import { KeyLanes, createLimiter, laneOf } from './key-lanes.ts';
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
  /**
   * Messages handled at once, over all assigned partitions (default 1: one at a time, in offset
   * order per partition). Messages with the same key never overlap and always run in offset
   * order; messages without a key share one lane per partition. Commits never pass an unfinished
   * message.
   */
  concurrency?: number;
  /** @deprecated The old name of `concurrency` (which now also runs different keys of one partition at once). */
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
  /** Finishes the in-flight messages (or leaves them for redelivery if waiting to retry), commits, leaves the group, disconnects. */
  stop(): Promise<void>;
}

// While a handler runs (or waits to retry) kafkajs does not heartbeat by itself; without this a
// slow handler (a long provisioning) would get the member evicted after sessionTimeout.
const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Consumes `topics` as `groupId`, at least once: an offset is committed only after the handler
 * succeeded or the message was dead-lettered to `<topic>.<groupId>.dlq`, and never past a message
 * that is not finished. Up to `concurrency` messages run at once, a key's messages one after
 * another in offset order. Failed messages are retried in-process with exponential backoff.
 */
export function runConsumer(options: RunConsumerOptions): RunningConsumer {
  const { kafka, groupId, topics, handle, logger } = options;
  const concurrency = options.concurrency ?? options.partitionsConsumedConcurrently ?? 1;
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

  // Batches being worked on right now; stop() lets their running messages finish and commit before
  // it stops kafkajs, because kafkajs silently drops commitOffsets() once its runner is stopping.
  const inFlight = new Set<Promise<void>>();
  // One limit for the whole consumer, shared by the partitions handled at once.
  const slots = createLimiter(concurrency, stopping.signal);

  /** Handles one message with retries, or dead-letters it. 'left': not finished (stopping), leave it uncommitted. */
  const handleMessage = async (topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<'done' | 'left'> => {
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
        return 'left';
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
    return 'done';
  };

  /**
   * One fetched batch of one partition. Messages of different keys run at once (up to the shared
   * limit), a key's messages one after another in offset order (KeyLanes). After each message the
   * longest finished run from the start of the batch is resolved and committed, so a crash never
   * skips an unfinished message; it may redeliver finished ones after it (at least once).
   */
  const processBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    const { topic, partition, messages } = batch;
    const lanes = new KeyLanes(messages.map((message) => laneOf(message.key)));
    const running = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    // Commits of one partition go out one after another, each for the newest commit point.
    let commitPoint = 0;
    let committed = 0;
    let commits = Promise.resolve();
    const commit = (finished: number) => {
      commitPoint = Math.max(commitPoint, finished);
      commits = commits.then(async () => {
        if (commitPoint <= committed) return;
        const upTo = commitPoint;
        const last = messages[upTo - 1];
        resolveOffset(last.offset);
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        committed = upTo;
      });
      return commits;
    };
    // After stop() began, or once a message of this batch failed for good, nothing more starts:
    // an unfinished message must not be skipped over by a later commit.
    const halted = () => stopping.signal.aborted || failure !== undefined || !isRunning() || isStale();

    const run = async (index: number, release: () => void) => {
      try {
        const outcome = await handleMessage(topic, partition, messages[index], heartbeat);
        if (outcome === 'left') {
          lanes.block(index);
          return;
        }
        await commit(lanes.finish(index));
        // As kafkajs does after each message: a rebalance shows up here and ends the batch.
        await heartbeat();
      } catch (error) {
        failure ??= { error };
      } finally {
        release();
      }
    };

    while (!halted()) {
      const index = lanes.next();
      if (index === undefined) {
        if (running.size === 0) break; // every message finished
        await Promise.race(running);
        continue;
      }
      lanes.start(index);
      const release = await slots.acquire();
      if (!release || halted()) {
        release?.();
        lanes.unstart(index);
        break;
      }
      const task = run(index, release).finally(() => running.delete(task));
      running.add(task);
    }
    await Promise.all(running);
    await commits.catch((error: unknown) => {
      failure ??= { error };
    });
    // kafkajs fetches this partition again from the last resolved offset: the first unfinished message.
    if (failure) throw failure.error;
  };

  const started = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      // Offsets are resolved by processBatch, never past an unfinished message.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (payload) => {
        const processing = processBatch(payload);
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
