import type pg from 'pg';
import { KafkaPlumbingError, type IdempotentProducer } from '@tenantry/kafka';
import { fetchOutboxBatch, markPublished } from '@tenantry/control-db';
import { toKafkaMessage } from '@tenantry/tenant-events';
import type { Logger } from '@tenantry/logger';
import { startProducerSpan, traceContextFields } from '@tenantry/telemetry';

/** A failure to publish (kafkajs's own, or our check that every partition acknowledged). */
export function isKafkaError(error: unknown): boolean {
  return error instanceof KafkaPlumbingError || (error instanceof Error && error.name.startsWith('KafkaJS'));
}

export interface PublishTarget {
  client: pg.Client;
  producer: IdempotentProducer;
  controlSchema: string;
  topic: string;
  batchSize: number;
  log: Logger;
  /** Called once the batch is acknowledged and marked published. */
  published(count: number): void;
}

/**
 * Sends the next outbox batch to Kafka and marks it published once acknowledged; returns its size
 * (0: nothing waiting). A failed send marks nothing, so the same events go again next time.
 */
export async function publishBatch({ client, producer, controlSchema, topic, batchSize, log, published }: PublishTarget): Promise<number> {
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
  published(batch.length);
  if (log.isLevelEnabled('debug')) {
    const offsets = acknowledged.map((entry) => `${entry.partition}@${entry.baseOffset}`).join(' ');
    log.debug({ count: batch.length, first_seq: batch[0].seq, last_seq: batch[batch.length - 1].seq, offsets }, 'published outbox batch');
  }
  return batch.length;
}
