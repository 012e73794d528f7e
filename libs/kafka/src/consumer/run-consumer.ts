import type { Logger } from '@tenantry/logger';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { createDeadLetterPublisher } from '../dead-letter.ts';
import { createIdempotentProducer, type IdempotentProducer } from '../producer.ts';
import { processBatch } from './batch.ts';
import { createMessageHandler } from './handle-message.ts';
import { createLimiter } from './key-lanes.ts';
import { createReadiness, startFailure, watchLifecycle, type Readiness } from './lifecycle.ts';
import { ParkedMessages } from './parking.ts';
import type { RunConsumerOptions, RunningConsumer } from './types.ts';

/**
 * Consumes `topics` as `groupId`, at least once: an offset is committed only after the handler
 * succeeded or the message was dead-lettered to `<topic>.<groupId>.dlq`, and never past a message
 * that is not finished. Up to `concurrency` messages run at once, a key's messages one after
 * another in offset order. Failed messages are retried in-process with exponential backoff.
 */
export function runConsumer(options: RunConsumerOptions): RunningConsumer {
  const { kafka, groupId } = options;
  const concurrency = options.concurrency ?? options.partitionsConsumedConcurrently ?? 1;
  const log = options.logger.child({ component: 'consumer', groupId });
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
    ...(options.sessionTimeout ? { sessionTimeout: options.sessionTimeout } : {}),
  });
  const producer = options.deadLetterProducer ?? createIdempotentProducer(kafka);
  const stopping = new AbortController();
  const readiness = createReadiness();
  watchLifecycle(consumer, log, readiness, options.onFatal);

  const parking = new ParkedMessages();
  const deadLetters = createDeadLetterPublisher(kafka, producer, groupId);
  const handleMessage = createMessageHandler({ options, log, deadLetters, signal: stopping.signal });
  const shared = { consumer, signal: stopping.signal, slots: createLimiter(concurrency, stopping.signal), parking, handleMessage };
  // Batches being worked on right now; stop() lets their running messages finish and commit before
  // it stops kafkajs, because kafkajs silently drops commitOffsets() once its runner is stopping.
  const inFlight = new Set<Promise<void>>();
  const eachBatch = (payload: EachBatchPayload) => {
    const processing = processBatch(payload, shared);
    inFlight.add(processing);
    return processing.finally(() => inFlight.delete(processing));
  };

  const started = startConsuming(consumer, options, concurrency, eachBatch);
  started.catch((error: Error & { type?: string }) => {
    const failure = startFailure(error, groupId, options.topics);
    log.error({ err: failure, topics: options.topics }, 'consumer could not start');
    readiness.reject(failure);
  });
  const stop = stopOnce(async () => {
    stopping.abort(); // no new message starts; retry waits end at once
    await drain({ consumer, options, readiness, started, inFlight, parking, producer, log });
  });
  return { ready: readiness.ready, stop };
}

async function startConsuming(
  consumer: Consumer,
  options: RunConsumerOptions,
  concurrency: number,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
  // Offsets are resolved by processBatch, never past an unfinished message.
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: concurrency, eachBatch });
}

function stopOnce(stop: () => Promise<void>): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => (stopped ??= stop());
}

/** The end of stop(): running messages finish and commit, then the group is left and the producer let go. */
async function drain(state: {
  consumer: Consumer;
  options: RunConsumerOptions;
  readiness: Readiness;
  started: Promise<void>;
  inFlight: Set<Promise<void>>;
  parking: ParkedMessages;
  producer: IdempotentProducer;
  log: Logger;
}): Promise<void> {
  const { consumer, options, readiness, inFlight, parking } = state;
  readiness.reject(new Error(`Consumer ${options.groupId} was stopped before it became ready`));
  const running = await state.started.then(
    () => true,
    () => false,
  );
  if (running) {
    consumer.pause(options.topics.map((topic) => ({ topic }))); // no further fetching while we drain
    await Promise.allSettled([...inFlight]); // handlers finish and commit while kafkajs still runs
    await parking.settled(); // parked ones end (left for redelivery)
  }
  await consumer.disconnect(); // leaves the group
  if (!options.deadLetterProducer) await state.producer.disconnect();
  state.log.info('consumer stopped');
}
