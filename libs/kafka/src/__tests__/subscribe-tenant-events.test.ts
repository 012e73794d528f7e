import {
  TENANT_EVENT_TYPES,
  createTenantEvent,
  sealEvent,
  toKafkaMessage,
  type EventDataMap,
  type TenantEvent,
  type TenantEventType,
} from '@tenantry/tenant-events';
import { buildTenantMember, buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import { deadLetterTopicFor } from '../dead-letter.ts';
import { createIdempotentProducer, type IdempotentProducer } from '../producer.ts';
import { subscribeToTenantEvents, type TenantEventContext, type TenantEventSubscription } from '../subscribe-tenant-events.ts';
import { ensureTopics } from '../topics.ts';
import { committedOffsets, createTestKafkaClient, deleteTopics, testLogger, topicExists, uniqueName, waitFor } from '../testing/index.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** One event of `type` at `version` of the tenant, built only with the contract's public API. */
function eventOf(type: TenantEventType, tenantId: string, version: number): TenantEvent {
  const tenant = buildTenantSnapshot({ id: tenantId, version, status: 'active' });
  const extra: Partial<Record<TenantEventType, object>> = {
    TenantUpdated: { changed_fields: ['address'] },
    TenantDeactivated: { user_status: null },
    TenantProvisioningFailed: { error: 'relation "issuer" already exists' },
    TenantMemberAdded: { member: buildTenantMember() },
    TenantMemberUpdated: { member: buildTenantMember({ role: 'admin' }) },
    TenantMemberRemoved: { member: buildTenantMember() },
    TenantMoved: { from: 'main', to: 'second' },
    TenantPurged: { purged_at: '2026-12-03T10:00:00.000Z' },
  };
  const data = { tenant, ...extra[type] } as EventDataMap[TenantEventType];
  return createTenantEvent(type, data, { traceparent: TRACEPARENT });
}

describe('subscribeToTenantEvents (real broker)', () => {
  let kafka: KafkaClient;
  let producer: IdempotentProducer;
  const topics: string[] = [];
  const subscriptions: TenantEventSubscription[] = [];

  beforeAll(() => {
    kafka = createTestKafkaClient();
    producer = createIdempotentProducer(kafka);
  });
  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(kafka, topics);
  });

  async function newTopic(label: string, numPartitions = 3) {
    const topic = uniqueName(label);
    topics.push(topic, deadLetterTopicFor(topic, `${topic}.group`));
    await ensureTopics(kafka, [{ topic, numPartitions }]);
    return topic;
  }

  it('hands every tenant.events type to its typed handler, in order, and skips an unknown type', async () => {
    const topic = await newTopic('all-types');
    const tenantId = buildTenantSnapshot().id;
    const events = TENANT_EVENT_TYPES.map((type, i) => eventOf(type, tenantId, i + 1));
    // A newer producer's type in the middle of the stream: skipped, and the ones after it still arrive.
    const future = { ...JSON.parse(toKafkaMessage(events[0]).value.toString()), id: 'future-1', type: 'TenantRenamed', data: { from: 'a' } };
    const messages = events.map(toKafkaMessage);
    messages.splice(5, 0, { ...messages[0], value: Buffer.from(JSON.stringify(future)), headers: { ce_type: 'TenantRenamed' } } as never);
    await producer.send(topic, messages);

    const seen: { type: string; version: number; context: TenantEventContext }[] = [];
    const record = (event: TenantEvent, context: TenantEventContext) => void seen.push({ type: event.type, version: event.tenantversion, context });
    const unknown: string[] = [];
    const groupId = `${topic}.group`;
    subscriptions.push(
      subscribeToTenantEvents({
        kafka,
        groupId,
        topic,
        logger: testLogger(),
        handlers: {
          TenantCreated: (event, context) => {
            // The handler is typed for its event: data.tenant is a TenantSnapshot.
            expect(event.data.tenant.schema_name).toMatch(/^tenant_/);
            record(event, context);
          },
          TenantUpdated: (event, context) => {
            expect(event.data.changed_fields).toEqual(['address']);
            record(event, context);
          },
          TenantDeactivated: record,
          TenantActivated: record,
          TenantSuspended: record,
          TenantProvisioned: record,
          TenantProvisioningFailed: (event, context) => {
            expect(event.data.error).toContain('issuer');
            record(event, context);
          },
          TenantProvisionRequested: record,
          TenantMemberAdded: (event, context) => {
            expect(event.data.member.email).toContain('@');
            record(event, context);
          },
          TenantMemberUpdated: record,
          TenantMemberRemoved: record,
          TenantMoved: (event, context) => {
            expect([event.data.from, event.data.to]).toEqual(['main', 'second']);
            record(event, context);
          },
          TenantPurged: record,
        },
        onUnknown: (type) => void unknown.push(type),
      }),
    );
    await waitFor(() => seen.length === events.length, { what: `all ${events.length} events (got ${seen.length})` });

    expect(seen.map((s) => s.type)).toEqual([...TENANT_EVENT_TYPES]);
    expect(seen.map((s) => s.version)).toEqual(events.map((e) => e.tenantversion));
    expect(unknown).toEqual(['TenantRenamed']);
    // traceparent and the event's ids reach the handler's log context.
    expect(seen[0].context.log.bindings()).toMatchObject({
      traceparent: TRACEPARENT,
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      eventType: 'TenantCreated',
      tenantId,
      tenantversion: 1,
    });
    expect(seen[0].context).toMatchObject({ topic, attempt: 1 });
    // Everything, the unknown event included, is committed; nothing was dead-lettered.
    await waitFor(async () => {
      const committed = await committedOffsets(kafka, groupId, topic);
      return Object.values(committed).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0) === messages.length;
    }, { what: 'offsets committed' });
    expect(await topicExists(kafka, deadLetterTopicFor(topic, groupId))).toBe(false);
  });

  it('with subjectKeys, hands handlers the sealed personal fields opened, and null for an erased subject (contract v2)', async () => {
    const topic = await newTopic('sealed', 1);
    const tenant = buildTenantSnapshot({ name: 'Sellada Abierta SpA', rut: '76086428-5' });
    const member = buildTenantMember({ email: 'borrada@example.com', first_name: 'Borrada' });
    const plain = createTenantEvent('TenantMemberAdded', { tenant, member });
    const keys = new Map<string, Buffer | null>([[`tenant:${tenant.id}`, Buffer.alloc(32, 5)], [`user:${member.user_id}`, Buffer.alloc(32, 6)]]);
    await producer.send(topic, [toKafkaMessage(sealEvent(plain, keys))]);
    keys.set(`user:${member.user_id}`, null); // the user is erased before the subscriber reads the event

    const received: TenantEvent<'TenantMemberAdded'>[] = [];
    subscriptions.push(
      subscribeToTenantEvents({
        kafka,
        groupId: `${topic}.group`,
        topic,
        logger: testLogger(),
        subjectKeys: async (subject) => keys.get(subject) ?? null,
        handlers: { TenantMemberAdded: (event) => void received.push(event) },
      }),
    );
    await waitFor(() => received.length === 1, { what: 'the sealed event' });
    expect(received[0].data.tenant).toEqual(expect.objectContaining({ name: 'Sellada Abierta SpA', rut: '76086428-5' }));
    expect(received[0].data.member).toEqual(expect.objectContaining({ user_id: member.user_id, email: null, first_name: null, role: member.role }));
  });

  it('retries a failing handler with backoff, then dead-letters and goes on with the partition', async () => {
    const topic = await newTopic('retry', 1);
    const tenantId = buildTenantSnapshot().id;
    const [created, updated] = [eventOf('TenantCreated', tenantId, 1), eventOf('TenantUpdated', tenantId, 2)];
    await producer.send(topic, [created, updated].map(toKafkaMessage));

    const attempts: number[] = [];
    const handled: string[] = [];
    const groupId = `${topic}.group`;
    subscriptions.push(
      subscribeToTenantEvents({
        brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
        groupId,
        topic,
        logger: testLogger(),
        retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 40, jitter: 0 },
        handlers: {
          TenantCreated: (_event, context) => {
            attempts.push(context.attempt);
            throw new Error('issuer table locked');
          },
          TenantUpdated: (event) => void handled.push(event.id),
        },
      }),
    );
    await waitFor(() => handled.length === 1, { what: 'the next event of the partition' });
    expect(attempts).toEqual([1, 2, 3]);
    expect(handled).toEqual([updated.id]);
    expect(await topicExists(kafka, deadLetterTopicFor(topic, groupId))).toBe(true);
  });

  it('stops gracefully: the in-flight event finishes and is committed', async () => {
    const topic = await newTopic('stop', 1);
    const tenantId = buildTenantSnapshot().id;
    await producer.send(topic, [toKafkaMessage(eventOf('TenantCreated', tenantId, 1))]);
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    const groupId = `${topic}.group`;
    const subscription = subscribeToTenantEvents({
      kafka,
      groupId,
      topic,
      logger: testLogger(),
      handlers: {
        TenantCreated: async () => {
          release();
          await new Promise((resolve) => setTimeout(resolve, 300));
          finished = true;
        },
      },
    });
    await started;
    await subscription.stop();
    expect(finished).toBe(true);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: '1' });
  });
});
