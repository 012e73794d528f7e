import type { Logger } from '@tenantry/logger';
import { traceIdOf } from '@tenantry/telemetry';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Kafka as KafkaClient } from 'kafkajs';
import { createDeadLetterPublisher } from './dead-letter.ts';
import { KafkaPlumbingError, RetriesExhaustedError, RetryAbortedError, describeError } from './errors.ts';
import { KeyLanes, createLimiter, laneOf } from './key-lanes.ts';
import { createIdempotentProducer, type IdempotentProducer } from './producer.ts';
import { inMessageSpan, messageTraceContext } from './message-trace.ts';
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
  /**
   * The handler waits on something outside that concerns only this message's key (its tenant's
   * database is down): the message gives back its concurrency slot and its batch may end without
   * it, so other keys go on and the consumer fetches on. It stays uncommitted, its key's later
   * messages wait behind it, and a later batch of its partition finishes it. Absent outside the runner.
   */
  park?: () => void;
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
  /** More fields for the runner's lines about one message (retry, dead letter), e.g. the tenant and event it carries. */
  logFields?: (message: KafkaMessage) => Record<string, unknown>;
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
// A batch that only re-found parked messages waits this long (or until one settles) before it
// ends, so a partition whose only news is a parked message is not fetched in a tight loop.
const PARKED_IDLE_MS = 500;

/** A message of an earlier batch still parked (running) or finished after its batch ended. */
type Carried = { offset: string; outcome: Promise<'done' | 'left'>; settled?: 'done' | 'left' | 'failed'; error?: unknown };

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
  // Parked messages whose batch ended: stop() waits for them too (the stop signal ends their wait).
  const detachedTasks = new Set<Promise<unknown>>();
  // One limit for the whole consumer, shared by the partitions handled at once.
  const slots = createLimiter(concurrency, stopping.signal);
  // Per `topic:partition`, by offset: parked messages that outlived their batch, and the messages
  // finished after them in that batch (not committed yet: a parked one comes first). The next batch
  // of the partition re-fetches them and takes their outcome instead of running them again.
  const carried = new Map<string, Map<string, Carried>>();

  /** Handles one message with retries, or dead-letters it. 'left': not finished (stopping), leave it uncommitted. */
  const handleMessage = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    park: () => void,
  ): Promise<'done' | 'left'> => {
    const where = { topic, partition, offset: message.offset, ...options.logFields?.(message) };
    // The runner's own lines about this message (retry, dead letter) carry its trace too.
    const trace = messageTraceContext(message);
    const traced = { ...where, trace_id: traceIdOf(trace.traceparent) ?? null };
    let attempt = 0;
    const retry = createRetry({
      ...options.retry,
      signal: stopping.signal,
      onRetry: ({ error, attempt: failed, delayMs }) =>
        log.warn({ ...traced, attempt: failed, delayMs, err: error }, 'handler failed, retrying'),
    });
    const beat = setInterval(() => heartbeat().catch((error) => log.debug({ err: error }, 'heartbeat failed')), HEARTBEAT_EVERY_MS);
    try {
      await retry((n) => {
        attempt = n;
        // Each try is a CONSUMER span continuing the producer's trace (message-trace.ts).
        return inMessageSpan({ topic, partition, groupId, attempt: n }, message, trace, () =>
          handle({
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
            timestamp: message.timestamp,
            attempt: n,
            park,
          }),
        );
      });
    } catch (error) {
      if (error instanceof RetryAbortedError) {
        log.info(traced, 'consumer stopping: message left uncommitted for redelivery');
        return 'left';
      }
      const cause = error instanceof RetriesExhaustedError ? error.cause : error;
      try {
        const dlq = await deadLetters.publish({ topic, partition, message }, cause, attempt);
        log.error({ ...traced, attempts: attempt, dlq, err: cause }, `message dead-lettered: ${describeError(cause)}`);
      } catch (publishError) {
        // Not committing makes kafkajs fetch the message again, so it is never lost.
        throw new KafkaPlumbingError('TNT_ERR_KAFKA_DEAD_LETTER_FAILED', `Could not dead-letter ${topic}[${partition}]@${message.offset}: ${describeError(publishError)}`, {
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
    const where = `${topic}:${partition}`;
    const lanes = new KeyLanes(messages.map((message) => laneOf(message.key)));
    type Task = { index: number; parked: boolean; outcome: Promise<'done' | 'left'> };
    const running = new Map<Promise<void>, Task>();
    const finishedHere = new Set<number>();
    let failure: { error: unknown } | undefined;
    let progress = 0;
    // Set when the batch ends with parked messages still running: they finish in a later batch.
    let detached = false;
    let wakeLoop: () => void = () => {};
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
    const finish = (index: number) => {
      finishedHere.add(index);
      return commit(lanes.finish(index));
    };
    // After stop() began, or once a message of this batch failed for good, nothing more starts:
    // an unfinished message must not be skipped over by a later commit.
    const halted = () => stopping.signal.aborted || failure !== undefined || !isRunning() || isStale();

    const track = (task: Task, release?: () => void) => {
      const settled = (async () => {
        const result = await task.outcome;
        if (detached) return;
        if (result === 'left') {
          lanes.block(task.index);
          return;
        }
        progress++;
        await finish(task.index);
        // As kafkajs does after each message: a rebalance shows up here and ends the batch.
        await heartbeat();
      })()
        .catch((error: unknown) => {
          if (!detached) failure ??= { error };
        })
        .finally(() => {
          release?.();
          running.delete(settled);
          wakeLoop();
        });
      running.set(settled, task);
    };

    // What earlier batches of this partition left: a parked message still running keeps its lane
    // busy; one that finished meanwhile (or a message finished behind it) counts as finished.
    const earlier = carried.get(where) ?? new Map<string, Carried>();
    carried.delete(where);
    const lastOffset = messages.length > 0 ? BigInt(messages[messages.length - 1].offset) : -1n;
    const beyond = [...earlier.values()].filter((entry) => BigInt(entry.offset) > lastOffset); // this fetch stopped short of them
    messages.forEach((message, index) => {
      const entry = earlier.get(message.offset);
      if (!entry) return;
      lanes.start(index);
      if (entry.settled === 'done') void finish(index);
      else if (entry.settled === 'left' || entry.settled === 'failed') {
        lanes.block(index);
        if (entry.settled === 'failed') failure ??= { error: entry.error };
      } else track({ index, parked: true, outcome: entry.outcome });
    });

    const run = (index: number, release: () => void) => {
      const task: Task = { index, parked: false, outcome: Promise.resolve('left') };
      const park = () => {
        if (task.parked) return;
        task.parked = true;
        release(); // a parked message waits outside the concurrency limit
        wakeLoop();
      };
      task.outcome = handleMessage(topic, partition, messages[index], heartbeat, park);
      track(task, release);
    };

    while (!halted()) {
      const index = lanes.next();
      if (index === undefined) {
        if (running.size === 0) break; // every message finished
        if ([...running.values()].every((task) => task.parked)) break; // only parked ones: they finish in a later batch
        await Promise.race([...running.keys(), new Promise<void>((resolve) => (wakeLoop = resolve))]);
        continue;
      }
      lanes.start(index);
      const release = await slots.acquire();
      if (!release || halted()) {
        release?.();
        lanes.unstart(index);
        break;
      }
      progress++;
      run(index, release);
    }

    let parked = [...running.values()].filter((task) => task.parked);
    if (parked.length > 0 && !stopping.signal.aborted) {
      // Other work of this batch ends first; then, if nothing new happened here, a short wait so
      // that fetching the same parked messages again is not a tight loop.
      await Promise.all([...running.entries()].filter(([, task]) => !task.parked).map(([settled]) => settled));
      if (progress === 0) await idle(parked.map((task) => task.outcome));
      parked = [...running.values()].filter((task) => task.parked);
    }
    if (parked.length > 0 && !stopping.signal.aborted) {
      detached = true;
      const carry = new Map<string, Carried>(beyond.map((entry) => [entry.offset, entry]));
      for (const index of finishedHere) {
        if (index >= commitPoint) carry.set(messages[index].offset, { offset: messages[index].offset, outcome: Promise.resolve('done'), settled: 'done' });
      }
      for (const task of parked) carry.set(messages[task.index].offset, carryParked(messages[task.index].offset, task.outcome));
      carried.set(where, carry);
    } else {
      await Promise.all(running.keys());
      if (beyond.length > 0) carried.set(where, new Map(beyond.map((entry) => [entry.offset, entry])));
    }
    await commits.catch((error: unknown) => {
      failure ??= { error };
    });
    // kafkajs fetches this partition again from the last resolved offset: the first unfinished message.
    if (failure) throw failure.error;
  };

  /** A parked message that outlives its batch; stop() waits for it. */
  const carryParked = (offset: string, outcome: Promise<'done' | 'left'>): Carried => {
    const entry: Carried = { offset, outcome };
    const settled = outcome.then(
      (result) => void (entry.settled = result),
      (error: unknown) => void Object.assign(entry, { settled: 'failed', error }),
    );
    detachedTasks.add(settled);
    void settled.finally(() => detachedTasks.delete(settled));
    return entry;
  };

  /** Waits until one of `outcomes` settles, PARKED_IDLE_MS passes, or the consumer stops. */
  const idle = (outcomes: Promise<unknown>[]) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PARKED_IDLE_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      stopping.signal.addEventListener('abort', done, { once: true });
      for (const outcome of outcomes) void outcome.then(done, done);
    });

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
      error.type === 'UNKNOWN_TOPIC_OR_PARTITION' ? 'TNT_ERR_KAFKA_UNKNOWN_TOPIC' : 'TNT_ERR_KAFKA_CONSUMER_START_FAILED',
      `Consumer ${groupId} could not start on ${topics.join(', ')}: ${error.message}.${hint}`,
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
        await Promise.allSettled([...detachedTasks]); // parked ones end (left for redelivery)
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
