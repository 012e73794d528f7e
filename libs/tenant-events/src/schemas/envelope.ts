import { CLOUDEVENTS_SPEC_VERSION, DATA_CONTENT_TYPE } from '../envelope.ts';
import { EVENT_TYPES, type EventType } from '../event-types.ts';
import { eventDataSchemas } from './event-data.ts';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * The CloudEvents core every message must have to be routed at all. A message that passes this
 * but has a type we do not know is skipped, not rejected (SPEC §4).
 */
export const cloudEventCoreSchema = {
  $schema: DRAFT_07,
  title: 'CloudEvent',
  type: 'object',
  required: ['specversion', 'id', 'source', 'type'],
  properties: {
    specversion: { const: CLOUDEVENTS_SPEC_VERSION },
    id: { type: 'string', minLength: 1 },
    source: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
  },
} as const;

/** Envelope attributes shared by all Tenantry events (CloudEvents extensions are allowed). */
export const envelopeProperties = {
  specversion: { const: CLOUDEVENTS_SPEC_VERSION },
  id: { type: 'string', format: 'uuid', description: 'UUIDv7' },
  source: { type: 'string', minLength: 1 },
  type: { type: 'string', enum: EVENT_TYPES },
  subject: { type: 'string', minLength: 1, description: 'tenant id; also the Kafka key' },
  time: { type: 'string', format: 'date-time' },
  datacontenttype: { const: DATA_CONTENT_TYPE },
  tenantversion: { type: 'integer', minimum: 1 },
  traceparent: { type: 'string', description: 'W3C trace context' },
  tracestate: { type: 'string', description: 'W3C trace state sent with traceparent (CloudEvents distributed tracing)' },
} as const;

export const ENVELOPE_REQUIRED = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'tenantversion',
  'data',
] as const;

/** The envelope of any known event, `data` left open (reused by the AsyncAPI document). */
export const tenantEventEnvelopeSchema = {
  $schema: DRAFT_07,
  title: 'TenantEventEnvelope',
  type: 'object',
  required: ENVELOPE_REQUIRED,
  properties: { ...envelopeProperties, data: { type: 'object' } },
} as const;

function eventSchema<T extends EventType>(type: T) {
  return {
    $schema: DRAFT_07,
    title: type,
    type: 'object',
    required: ENVELOPE_REQUIRED,
    properties: { ...envelopeProperties, type: { const: type }, data: eventDataSchemas[type] },
  } as const;
}

/** Full schema (envelope + data) of each event type. */
export const eventSchemas = Object.fromEntries(EVENT_TYPES.map((type) => [type, eventSchema(type)])) as {
  [K in EventType]: ReturnType<typeof eventSchema<K>>;
};
