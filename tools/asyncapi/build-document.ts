import { readFileSync } from 'node:fs';
import { DLQ_HEADERS, TENANT_EVENTS_PARTITIONS } from '@tenantry/kafka';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  PROVISIONING_EVENT_TYPES,
  TENANT_EVENT_TYPES,
  eventSchemas,
  tenantMemberSchema,
  tenantSnapshotSchema,
  type EventType,
} from '@tenantry/tenant-events';

// The AsyncAPI 3 document of SPEC §4, built from the contract's own JSON Schemas so the two can
// never drift: `npm run asyncapi` writes docs/asyncapi.json, a test fails when it is stale.

const KAFKA_BINDING = '0.5.0';

const SUMMARIES: Record<EventType, string> = {
  TenantCreated: 'A tenant was created (status pending_setup, version 1).',
  TenantUpdated: 'Tenant fields changed; `changed_fields` lists them.',
  TenantDeactivated: 'The tenant was deactivated (schema and data kept, its role loses LOGIN); `user_status` was forced on its memberships, or null.',
  TenantActivated: 'The tenant was activated again (or is pending_setup if never provisioned).',
  TenantSuspended: 'The tenant was suspended (its role loses LOGIN until TenantActivated).',
  TenantProvisioned: 'The tenant schema is ready; the tenant is active. Carries the current snapshot.',
  TenantProvisioningFailed: 'Provisioning failed; the tenant is setup_failed. `error` says why.',
  TenantProvisionRequested: 'An operator re-requested provisioning (idempotent).',
  TenantMemberAdded: 'A user became a member; `member` is the new membership.',
  TenantMemberUpdated: 'A membership changed role or status; `member` is its new state.',
  TenantMemberRemoved: 'A membership was removed; `member` is its last state.',
  TenantPurged: 'v2: the tenant was purged (hard delete): schema and role dropped, members removed, its key destroyed; the snapshot is the tombstone (status `purged`, no name, slug, rut, address or description).',
  TenantMoved: "v1.1: the tenant's schema moved to another tenant database; `from` and `to` name them, the snapshot's `database` is `to`.",
  TenantSchemaProvisioned: 'The provisioner built or verified the tenant schema.',
  TenantSchemaProvisioningFailed: 'The provisioner could not build the tenant schema; `attempt` is how many in-process tries the provisioner made before giving up (a redelivery counts from 1 again).',
};

type Json = Record<string, unknown>;

/** Replaces inlined copies of the snapshot and member schemas with $refs, and drops `$schema`. */
function withRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withRefs);
  if (value === null || typeof value !== 'object') return value;
  if (value === tenantSnapshotSchema) return { $ref: '#/components/schemas/TenantSnapshot' };
  if (value === tenantMemberSchema) return { $ref: '#/components/schemas/TenantMember' };
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '$schema')
      .map(([key, child]) => [key, withRefs(child)]),
  );
}

/** Plain JSON copy (readonly `as const` arrays become ordinary arrays). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** The frozen example of each type; a later baseline's example (v1.1 carries `database`, v2 sealed fields) replaces an older one. */
function loadExamples(): Map<string, Json> {
  const events = ['v1-events.json', 'v1.1-events.json', 'v2-events.json'].flatMap((name) => {
    const url = new URL(`../../libs/tenant-events/src/__fixtures__/${name}`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')) as Json[];
  });
  return new Map(events.map((event) => [event.type as string, event]));
}

function message(type: EventType, examples: Map<string, Json>): Json {
  const example = examples.get(type);
  return {
    name: type,
    title: type,
    summary: SUMMARIES[type],
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    headers: { $ref: '#/components/schemas/CloudEventKafkaHeaders' },
    payload: { $ref: `#/components/schemas/${type}` },
    correlationId: { description: 'The event id (also the `ce_id` header); consumers de-duplicate on it.', location: '$message.payload#/id' },
    bindings: { kafka: { key: { type: 'string', description: 'The tenant id (= `subject`): a tenant\'s events share a partition and stay in order.' }, bindingVersion: KAFKA_BINDING } },
    ...(example
      ? {
          examples: [
            {
              name: `${type}Example`,
              headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_type: type, ce_id: example.id },
              payload: example,
            },
          ],
        }
      : {}),
  };
}

const messageRefs = (types: readonly EventType[]) => Object.fromEntries(types.map((type) => [type, { $ref: `#/components/messages/${type}` }]));

const operationMessages = (channel: string, types: readonly EventType[]) => types.map((type) => ({ $ref: `#/channels/${channel}/messages/${type}` }));

export function buildAsyncApiDocument(): Json {
  const examples = loadExamples();
  const types = [...TENANT_EVENT_TYPES, ...PROVISIONING_EVENT_TYPES];
  const dlqHeaderDescriptions: Record<keyof typeof DLQ_HEADERS, string> = {
    error: 'The last error, `Name: message` (at most 8000 characters).',
    attempts: 'How many times the handler was tried.',
    sourceTopic: 'Topic the message was consumed from; `dlq redrive` sends it back there.',
    sourcePartition: 'Partition of the original message.',
    sourceOffset: 'Offset of the original message.',
    failedAt: 'When it was dead-lettered (ISO 8601 UTC).',
  };

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Tenantry tenant events',
      version: '2.0.0',
      description: [
        'The event contract of the Tenantry control plane (SPEC §4), generated from the JSON Schemas of `@tenantry/tenant-events` by `npm run asyncapi`.',
        '',
        'Every message value is a CloudEvents 1.0 structured-mode JSON event. Topic names get the configured `KAFKA_TOPIC_PREFIX` in front.',
        'Versioning: this is v2.0 of the contract; within a major version only additive changes happen (new optional fields, new event types). Consumers must ignore unknown fields and skip unknown event types.',
        'v2.0 seals personal fields per subject (crypto-shredding): the snapshot `name`, `slug`, `description`, `rut`, `address` (key `tenant:<id>`) and a member `email`, `first_name`, `last_name` (key `user:<id>`) travel as `{alg: A256GCM, kid, iv, ct}` objects; open them with `openEvent` of @tenantry/tenant-events and the subject keys in `control.subject_keys`. A purge or a user erasure destroys the key: the field opens to null in every copy, replays included. Events from before v2 carry plain values and stay valid. v2 also adds `TenantPurged` and the tenant status `purged`. How to upgrade: libs/tenant-events/README.md.',
        'v1.1 added the snapshot fields `database` (the tenant database holding the schema; an older event has none and means `main`) and `move`, and the event type `TenantMoved`.',
        'Delivery is at least once: duplicates can occur, so consumers apply an event only if its `tenantversion` is newer than what they hold.',
      ].join('\n'),
      license: { name: 'Proprietary' },
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'Development broker (KAFKA_BROKERS).' },
    },
    channels: {
      tenantEvents: {
        address: 'tenant.events',
        title: 'tenant.events',
        description: 'Every change of a tenant, written only by tenant-api through its transactional outbox. Key = tenant id; `tenantversion` rises by exactly 1 per event of a tenant. Kept forever, so a new consumer group can rebuild its state from the beginning.',
        messages: messageRefs(TENANT_EVENT_TYPES),
        bindings: {
          kafka: {
            topic: 'tenant.events',
            partitions: TENANT_EVENTS_PARTITIONS,
            topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': -1 },
            bindingVersion: KAFKA_BINDING,
          },
        },
      },
      tenantProvisioning: {
        address: 'tenant.provisioning',
        title: 'tenant.provisioning',
        description: 'Outcomes of schema provisioning, written by the provisioner and read by tenant-api. Key = tenant id; `tenantversion` is the version of the tenant event the provisioner acted on.',
        messages: messageRefs(PROVISIONING_EVENT_TYPES),
        bindings: { kafka: { topic: 'tenant.provisioning', partitions: TENANT_EVENTS_PARTITIONS, bindingVersion: KAFKA_BINDING } },
      },
      deadLetters: {
        address: '{topic}.{group}.dlq',
        title: 'Dead letters',
        description: 'One topic per source topic and consumer group. A message whose handler kept failing (bounded retries with backoff) or that breaks the contract lands here with its original key, value and headers plus the `dlq-*` headers; the source partition goes on. Kept until an operator drains them (`tenantry dlq list|show|redrive`).',
        parameters: {
          topic: { description: 'The source topic, e.g. `tenant.events` (with its prefix).' },
          group: { description: 'The consumer group that gave up, prefixed like the topics: e.g. `dte-sync`, or `qa.dte-sync` with KAFKA_TOPIC_PREFIX `qa.`.' },
        },
        messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      },
    },
    operations: {
      publishTenantEvents: {
        action: 'send',
        channel: { $ref: '#/channels/tenantEvents' },
        title: 'tenant-api publishes tenant events',
        summary: 'The outbox relay publishes the event log in order with an idempotent producer.',
        messages: operationMessages('tenantEvents', TENANT_EVENT_TYPES),
      },
      consumeTenantEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/tenantEvents' },
        title: 'Services consume tenant events',
        summary: 'provisioner, dte-sync and other services, each in its own consumer group (use `subscribeToTenantEvents` from `@tenantry/kafka`).',
        messages: operationMessages('tenantEvents', TENANT_EVENT_TYPES),
      },
      publishProvisioningOutcomes: {
        action: 'send',
        channel: { $ref: '#/channels/tenantProvisioning' },
        title: 'provisioner reports outcomes',
        messages: operationMessages('tenantProvisioning', PROVISIONING_EVENT_TYPES),
      },
      consumeProvisioningOutcomes: {
        action: 'receive',
        channel: { $ref: '#/channels/tenantProvisioning' },
        title: 'tenant-api records outcomes',
        messages: operationMessages('tenantProvisioning', PROVISIONING_EVENT_TYPES),
      },
      deadLetter: {
        action: 'send',
        channel: { $ref: '#/channels/deadLetters' },
        title: 'A consumer group dead-letters a message',
        messages: [{ $ref: '#/channels/deadLetters/messages/DeadLetter' }],
      },
    },
    components: {
      schemas: {
        TenantSnapshot: plain(tenantSnapshotSchema),
        TenantMember: plain(tenantMemberSchema),
        ...Object.fromEntries(types.map((type) => [type, withRefs(eventSchemas[type])])),
        CloudEventKafkaHeaders: {
          type: 'object',
          required: ['content-type', 'ce_type', 'ce_id'],
          properties: {
            'content-type': { const: CLOUDEVENTS_CONTENT_TYPE },
            ce_type: { type: 'string', description: 'The event type, so tools can filter without parsing the value.' },
            ce_id: { type: 'string', description: 'The event id.' },
            traceparent: { type: 'string', description: 'W3C trace context of the span that sent the message (the relay\'s or the provisioner\'s producer span); a consumer continues the trace from it, else from the event\'s own traceparent.' },
            tracestate: { type: 'string', description: 'W3C trace state sent with traceparent.' },
          },
        },
        DeadLetterHeaders: {
          type: 'object',
          description: 'The original headers plus these.',
          required: Object.values(DLQ_HEADERS).filter((name) => name !== DLQ_HEADERS.failedAt),
          properties: Object.fromEntries(
            (Object.keys(DLQ_HEADERS) as (keyof typeof DLQ_HEADERS)[]).map((key) => [
              DLQ_HEADERS[key],
              { type: 'string', description: dlqHeaderDescriptions[key] },
            ]),
          ),
        },
      },
      messages: {
        ...Object.fromEntries(types.map((type) => [type, message(type, examples)])),
        DeadLetter: {
          name: 'DeadLetter',
          title: 'Dead letter',
          summary: 'The original record, unchanged, with dlq-* headers added.',
          contentType: 'application/octet-stream',
          headers: { $ref: '#/components/schemas/DeadLetterHeaders' },
          payload: { description: 'The original value, byte for byte (usually a CloudEvent; possibly invalid, which may be why it is here).' },
          bindings: { kafka: { key: { type: 'string', description: 'The original key.' }, bindingVersion: KAFKA_BINDING } },
        },
      },
    },
  };
}
