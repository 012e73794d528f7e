import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { KafkaPlumbingError, createIdempotentProducer, type IdempotentProducer } from '@tenantry/kafka';
import { fetchOutboxBatch, markPublished, tryAcquireRelayLock, OUTBOX_CHANNEL } from '@tenantry/control-db';
import { toKafkaMessage } from '@tenantry/tenant-events';
import type { Logger } from '@tenantry/logger';
import { startProducerSpan, traceContextFields } from '@tenantry/telemetry';

/** A failure to publish (kafkajs's own, or our check that every partition acknowledged). */
function isKafkaError(error: unknown): boolean {
  return error instanceof KafkaPlumbingError || (error instanceof Error && error.name.startsWith('KafkaJS'));
}

export interface OutboxRelayOptions {
  databaseUrl: string;
  controlSchema: string;
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /** Safety poll when no NOTIFY arrives (missed wake-up, events written by another tool). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How often a standby relay tries to become the active one. */
  standbyRetryMs?: number;
  maxBackoffMs?: number;
  /** Called after each batch Kafka acknowledged and the outbox marked published, with its size (metrics). */
  onPublished?: (count: number) => void;
}

export interface OutboxRelay {
  /** Resolves once this relay has tried for the lock at least once. */
  started: Promise<void>;
  isActive(): boolean;
  /** Published events since start (for metrics and tests). */
  publishedCount(): number;
  stop(): Promise<void>;
}

/**
 * Publishes the outbox to Kafka in `seq` order. Exactly one relay is active across all processes
 * (a session advisory lock on its own connection); the others wait as standbys. Each batch is
 * marked published only after Kafka acknowledged it, so a crash can duplicate but never lose.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { databaseUrl, controlSchema, kafka, topic, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const batchSize = options.batchSize ?? 500;
  const standbyRetryMs = options.standbyRetryMs ?? 2_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const log = logger.child({ component: 'outbox-relay' });

  let stopping = false;
  let active = false;
  let published = 0;
  let wake: () => void = () => {};
  let pendingWake = false;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake || stopping) {
        pendingWake = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = () => {};
        pendingWake = false;
        resolve();
      }
      wake = done;
    });

  const signal = () => {
    pendingWake = true;
    wake();
  };

  async function publishBatch(client: pg.Client, producer: IdempotentProducer): Promise<number> {
    const batch = await fetchOutboxBatch(client, controlSchema, batchSize);
    if (batch.length === 0) return 0;
    // One PRODUCER span per event, child of the span that wrote its outbox row (the event's
    // traceparent); the message's trace headers name it, so each consumer's span is its child.
    const spans = batch.map((entry) =>
      startProducerSpan(
        { system: 'kafka', destination: topic, attributes: { 'messaging.message.id': entry.event.id, 'tenantry.event.type': entry.event.type, 'tenantry.tenant.id': entry.tenantId } },
        traceContextFields(entry.event),
      ),
    );
    let acknowledged;
    try {
      acknowledged = await producer.send(
        topic,
        batch.map((entry, index) => {
          const message = toKafkaMessage(entry.event);
          return { ...message, headers: { ...message.headers, ...spans[index].headers } };
        }),
      );
    } catch (error) {
      for (const span of spans) span.end(error);
      throw error;
    }
    for (const span of spans) span.end();
    await markPublished(client, controlSchema, batch.map((entry) => entry.seq));
    published += batch.length;
    options.onPublished?.(batch.length);
    if (log.isLevelEnabled('debug')) {
      const offsets = acknowledged.map((entry) => `${entry.partition}@${entry.baseOffset}`).join(' ');
      log.debug({ count: batch.length, first_seq: batch[0].seq, last_seq: batch[batch.length - 1].seq, offsets }, 'published outbox batch');
    }
    return batch.length;
  }

  async function runSession(): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('error', (error) => log.warn({ err: error }, 'relay database connection error'));
    client.on('notification', signal);
    let producer: IdempotentProducer | null = null;
    try {
      await client.connect();
      while (!stopping && !(await tryAcquireRelayLock(client, controlSchema))) {
        markStarted();
        await sleep(standbyRetryMs);
      }
      if (stopping) return;
      active = true;
      markStarted();
      log.info('outbox relay active');
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      let backoff = 100;
      while (!stopping) {
        try {
          producer ??= createIdempotentProducer(kafka);
          const count = await publishBatch(client, producer);
          backoff = 100;
          if (count < batchSize) await sleep(pollIntervalMs);
        } catch (error) {
          if (!isKafkaError(error)) throw error;
          // Kafka is down or refused the batch: nothing was marked, so retry the same events later.
          log.warn({ err: error, retry_in_ms: backoff }, 'outbox publish failed; will retry');
          await producer?.disconnect().catch(() => undefined);
          producer = null;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, maxBackoffMs);
        }
      }
    } finally {
      active = false;
      await producer?.disconnect().catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  const loop = (async () => {
    while (!stopping) {
      try {
        await runSession();
      } catch (error) {
        // Database trouble: drop the session (and the lock with it) and start over.
        log.warn({ err: error }, 'outbox relay session ended; reconnecting');
        markStarted();
        await sleep(standbyRetryMs);
      }
    }
  })();

  return {
    started,
    isActive: () => active,
    publishedCount: () => published,
    async stop() {
      stopping = true;
      signal();
      await loop;
    },
  };
}
