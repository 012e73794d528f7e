import { CLOUDEVENTS_CONTENT_TYPE } from './envelope.ts';
import type { TenantEvent } from './event-types.ts';
import { serializeEvent } from './serializer.ts';

/** A plain message object that kafkajs `producer.send({ messages })` accepts as is. */
export interface EventKafkaMessage {
  key: string;
  value: Buffer;
  headers: {
    'content-type': typeof CLOUDEVENTS_CONTENT_TYPE;
    ce_type: string;
    ce_id: string;
  };
}

/**
 * Structured-mode CloudEvent on Kafka, keyed by tenant id so a tenant's events stay in order.
 * `ce_type` / `ce_id` let tools filter without parsing the value.
 */
export function toKafkaMessage(event: TenantEvent): EventKafkaMessage {
  return {
    key: event.subject,
    value: serializeEvent(event),
    headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_type: event.type, ce_id: event.id },
  };
}
