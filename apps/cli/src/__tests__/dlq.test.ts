import {
  DLQ_HEADERS,
  createIdempotentProducer,
  deadLetterTopicFor,
  ensureTopics,
  subscribeToTenantEvents,
  type IdempotentProducer,
  type TenantEventSubscription,
} from '@tenantry/kafka';
import { createTestKafkaClient, deleteTopics, readTopic, testLogger, uniqueName, waitFor } from '@tenantry/kafka/testing';
import { createTenantEvent, toKafkaMessage, type TenantEvent } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import { runCli } from '@tenantry/e2e/run-cli';

// Dead letters end to end: a poison message reaches <topic>.<group>.dlq with its error while the
// partition goes on; `dlq list|show` describe it; after the fix `dlq redrive` makes it processed.
const prefix = `${uniqueName('dlq')}.`;
const topic = `${prefix}tenant.events`;
const group = `${prefix}billing`;
const dlqTopic = deadLetterTopicFor(topic, group);
const env = { KAFKA_TOPIC_PREFIX: prefix, KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092' };

let kafka: KafkaClient;
let producer: IdempotentProducer;
let subscription: TenantEventSubscription;
let broken = true;
const applied: string[] = [];

beforeAll(async () => {
  kafka = createTestKafkaClient();
  producer = createIdempotentProducer(kafka);
  await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  subscription = subscribeToTenantEvents({
    kafka,
    groupId: group,
    topic,
    logger: testLogger(),
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
    handlers: {
      TenantCreated: (event) => void applied.push(event.id),
      TenantUpdated: (event) => {
        if (broken && event.data.changed_fields.includes('giro')) throw new Error(`giro "${event.data.tenant.giro}" is not in the SII catalogue`);
        applied.push(event.id);
      },
    },
  });
  await subscription.ready;
});
afterAll(async () => {
  await subscription?.stop();
  await producer.disconnect();
  await deleteTopics(kafka, [topic, dlqTopic]);
});

it('dead-letters a poison message, goes on with the partition, and redrives it after the fix', async () => {
  const tenant = buildTenantSnapshot({ status: 'active', version: 1 });
  const created = createTenantEvent('TenantCreated', { tenant });
  const poison = createTenantEvent('TenantUpdated', { tenant: { ...tenant, version: 2, giro: 'Alquimia' }, changed_fields: ['giro'] }, {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
  const next = createTenantEvent('TenantUpdated', { tenant: { ...tenant, version: 3, giro: 'Alquimia', city: 'Valparaíso' }, changed_fields: ['city'] });
  // Same key: one partition, in this order.
  await producer.send(topic, [created, poison, next].map((event: TenantEvent) => toKafkaMessage(event)));
  // A value that is not even JSON: dead-lettered at once, no retries.
  await producer.send(topic, [{ key: tenant.id, value: Buffer.from('{"oops'), headers: { 'x-origin': 'legacy-importer' } }]);

  await waitFor(() => applied.includes(next.id), { what: 'the message after the poison one' });
  expect(applied).toEqual([created.id, next.id]);

  const [first, second] = await readTopic(kafka, dlqTopic, 2);
  expect(first.headers[DLQ_HEADERS.error]).toBe('Error: giro "Alquimia" is not in the SII catalogue');
  expect(first.headers).toMatchObject({ [DLQ_HEADERS.attempts]: '3', [DLQ_HEADERS.sourceTopic]: topic, [DLQ_HEADERS.sourceOffset]: '1', ce_id: poison.id });
  expect(JSON.parse(first.value!).id).toBe(poison.id);
  expect(second.headers).toMatchObject({ [DLQ_HEADERS.attempts]: '1', 'x-origin': 'legacy-importer' });
  expect(second.headers[DLQ_HEADERS.error]).toMatch(/EventValidationError: .*not JSON/);

  const list = await runCli(['dlq', 'list', '--group', group, '--json'], env);
  expect(list.code).toBe(0);
  expect(list.json).toMatchObject({ dlq_topic: dlqTopic, redrive_group: `${group}.dlq-redrive`, pending: 2 });
  expect(list.json.messages[0]).toMatchObject({
    offset: '0',
    key: tenant.id,
    event_type: 'TenantUpdated',
    event_id: poison.id,
    redriven: false,
    dlq: { attempts: 3, error: 'Error: giro "Alquimia" is not in the SII catalogue', source_topic: topic, source_offset: '1' },
  });
  const human = await runCli(['dlq', 'list', '--group', group], env);
  expect(human.stdout).toMatch(/2 dead letter\(s\) not redriven yet/);
  expect(human.stdout).toMatch(/TenantUpdated .*giro "Alquimia" is not in the SII catalogue/);

  const show = await runCli(['dlq', 'show', '0', '--group', group, '--json'], env);
  expect(show.code).toBe(0);
  expect(show.json.value).toEqual(JSON.parse(JSON.stringify(poison)));
  expect(show.json.headers).toMatchObject({ ce_type: 'TenantUpdated', [DLQ_HEADERS.attempts]: '3' });
  const missing = await runCli(['dlq', 'show', '7', '--group', group], env);
  expect(missing.code).toBe(2);

  // The fix ships; redrive sends both back (the garbage one fails again and returns to the DLQ).
  broken = false;
  const redrive = await runCli(['dlq', 'redrive', '--group', group, '--json'], env);
  expect(redrive.code).toBe(0);
  expect(redrive.json).toMatchObject({ redriven: 2, remaining: 0, error: null });
  await waitFor(() => applied.includes(poison.id), { what: 'the redriven message to be processed' });

  // Back on the source topic with the original key, value and headers, without dlq-* headers.
  const source = await readTopic(kafka, topic, 6);
  const again = source.find((m) => m.offset !== '1' && m.value && m.value.includes(poison.id))!;
  expect(again.key).toBe(tenant.id);
  expect(JSON.parse(again.value!)).toEqual(JSON.parse(JSON.stringify(poison)));
  expect(again.headers).toEqual({ 'content-type': 'application/cloudevents+json', ce_type: 'TenantUpdated', ce_id: poison.id });

  // Redriven ones are marked, not deleted; the garbage message came back as a new dead letter.
  await waitFor(async () => (await runCli(['dlq', 'list', '--group', group, '--json'], env)).json?.pending === 1, { what: 'garbage dead-lettered again', timeoutMs: 30_000, intervalMs: 500 });
  const all = await runCli(['dlq', 'list', '--group', group, '--all', '--json'], env);
  expect(all.json.messages.map((m: { offset: string; redriven: boolean }) => [m.offset, m.redriven])).toEqual([
    ['0', true],
    ['1', true],
    ['2', false],
  ]);
});

it('says so when a group has no dead-letter topic', async () => {
  const none = await runCli(['dlq', 'list', '--group', `${group}-clean`], env);
  expect(none.code).toBe(0);
  expect(none.stdout).toMatch(/No dead-letter topic .*never dead-lettered anything/);
  const redrive = await runCli(['dlq', 'redrive', '--group', `${group}-clean`, '--json'], env);
  expect(redrive.json).toMatchObject({ redriven: 0 });
});
