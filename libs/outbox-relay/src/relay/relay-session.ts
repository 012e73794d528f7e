import pg from 'pg';
import { createIdempotentProducer, type IdempotentProducer } from '@tenantry/kafka';
import { tryAcquireRelayLock, OUTBOX_CHANNEL } from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import type { RelaySettings } from './options.ts';
import type { WakeSignal } from './wake-signal.ts';
import { isKafkaError, publishBatch } from './publish-batch.ts';

/** What a session reports to the relay that runs it. */
export interface RelayState {
  active: boolean;
  markStarted(): void;
  published(count: number): void;
}

/**
 * One database session: waits as a standby until it holds the relay lock, then publishes until
 * stopped. Kafka failures are retried inside the session; a database failure ends it (and the
 * lock with it), for the caller to start another.
 */
export async function runRelaySession(settings: RelaySettings, signal: WakeSignal, state: RelayState, log: Logger): Promise<void> {
  const { databaseUrl, controlSchema, kafka, topic, batchSize, pollIntervalMs, standbyRetryMs, maxBackoffMs } = settings;
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', (error) => log.warn({ err: error }, 'relay database connection error'));
  client.on('notification', signal.wake);
  let producer: IdempotentProducer | null = null;
  try {
    await client.connect();
    while (!signal.stopping && !(await tryAcquireRelayLock(client, controlSchema))) {
      state.markStarted();
      await signal.sleep(standbyRetryMs);
    }
    if (signal.stopping) return;
    state.active = true;
    state.markStarted();
    log.info('outbox relay active');
    await client.query(`listen ${OUTBOX_CHANNEL}`);
    let backoff = 100;
    while (!signal.stopping) {
      try {
        producer ??= createIdempotentProducer(kafka);
        const count = await publishBatch({ client, producer, controlSchema, topic, batchSize, log, published: state.published });
        backoff = 100;
        if (count < batchSize) await signal.sleep(pollIntervalMs);
      } catch (error) {
        if (!isKafkaError(error)) throw error;
        // Kafka is down or refused the batch: nothing was marked, so retry the same events later.
        log.warn({ err: error, retry_in_ms: backoff }, 'outbox publish failed; will retry');
        await producer?.disconnect().catch(() => undefined);
        producer = null;
        await signal.sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      }
    }
  } finally {
    state.active = false;
    await producer?.disconnect().catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
