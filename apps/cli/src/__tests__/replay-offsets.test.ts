import { createIdempotentProducer, ensureTopics, subscribeToTenantEvents, type IdempotentProducer, type TenantEventSubscription } from '@tenantry/kafka';
import { committedOffsets, createTestKafkaClient, deleteTopics, testLogger, uniqueName, waitFor } from '@tenantry/kafka/testing';
import { createTenantEvent, toKafkaMessage } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import { runCli } from '@tenantry/e2e/run-cli';

// `replay offsets` against a real broker: refuses while the group is active, the dry run counts
// per partition, a reset to earliest while stopped makes the group read everything again.
const prefix = `${uniqueName('replay')}.`;
const topic = `${prefix}tenant.events`;
const env = { KAFKA_TOPIC_PREFIX: prefix, KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092' };
const group = `${prefix}reader`;

let kafka: KafkaClient;
let producer: IdempotentProducer;
const received: string[] = [];
let subscription: TenantEventSubscription | undefined;

function subscribe() {
  subscription = subscribeToTenantEvents({
    kafka,
    groupId: group,
    topic,
    logger: testLogger(),
    handlers: { TenantCreated: (event) => void received.push(event.id) },
  });
  return subscription.ready;
}

/** `count` TenantCreated events of distinct tenants (spread over the partitions). */
async function publish(count: number) {
  const events = Array.from({ length: count }, () => createTenantEvent('TenantCreated', { tenant: buildTenantSnapshot() }));
  await producer.send(topic, events.map(toKafkaMessage));
  return events;
}

const sum = (offsets: Record<number, string>) => Object.values(offsets).reduce((n, o) => n + Math.max(0, Number(o)), 0);

beforeAll(async () => {
  kafka = createTestKafkaClient();
  producer = createIdempotentProducer(kafka);
  await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
});
afterAll(async () => {
  await subscription?.stop();
  await producer.disconnect();
  await deleteTopics(kafka, [topic]);
});

it('refuses while active, counts in a dry run, and re-reads everything after a reset to earliest', async () => {
  const first = await publish(12);
  await subscribe();
  await waitFor(() => received.length === 12, { what: '12 events consumed' });
  await waitFor(async () => sum(await committedOffsets(kafka, group, topic)) === 12, { what: 'offsets committed' });
  const cutoff = new Date();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const second = await publish(5);
  await waitFor(() => received.length === 17, { what: '17 events consumed' });
  await waitFor(async () => sum(await committedOffsets(kafka, group, topic)) === 17, { what: 'offsets committed' });

  // Active group: the reset is refused with exit 2 and nothing moves.
  const refused = await runCli(['replay', 'offsets', '--group', group, '--to', 'earliest'], env);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/Refusing to reset: consumer group .* has 1 active member\(s\).*Stop its consumers/);
  expect(sum(await committedOffsets(kafka, group, topic))).toBe(17);

  await subscription!.stop();

  // Dry run to a time: only the second batch would be read again.
  const byTime = await runCli(['replay', 'offsets', '--group', group, '--to', cutoff.toISOString(), '--dry-run', '--json'], env);
  expect(byTime.code).toBe(0);
  expect(byTime.json).toMatchObject({ group, topic, dry_run: true, applied: false, total_reread: second.length, active_members: 0 });

  // Dry run to earliest: every partition shows its own count, and nothing is changed.
  const before = await committedOffsets(kafka, group, topic);
  const dry = await runCli(['replay', 'offsets', '--group', group, '--to', 'earliest', '--dry-run', '--json'], env);
  expect(dry.code).toBe(0);
  expect(dry.json.total_reread).toBe(first.length + second.length);
  expect(dry.json.partitions).toHaveLength(3);
  for (const p of dry.json.partitions) {
    expect(p).toMatchObject({ current: before[p.partition], target: '0', reread: Number(before[p.partition]) });
  }
  expect(await committedOffsets(kafka, group, topic)).toEqual(before);
  const human = await runCli(['replay', 'offsets', '--group', group, '--to', 'earliest', '--dry-run'], env);
  expect(human.stdout).toMatch(/17 message\(s\) would be read again/);

  // Real reset while stopped, then the group reads everything again.
  const reset = await runCli(['replay', 'offsets', '--group', group, '--to', 'earliest', '--json'], env);
  expect(reset.code).toBe(0);
  expect(reset.json).toMatchObject({ applied: true, total_reread: 17 });
  expect(await committedOffsets(kafka, group, topic)).toEqual({ 0: '0', 1: '0', 2: '0' });

  received.length = 0;
  await subscribe();
  await waitFor(() => received.length === 17, { what: 'all 17 events read again' });
  expect(new Set(received)).toEqual(new Set([...first, ...second].map((e) => e.id)));
});

it('rejects a bad target, an unknown group and an unknown topic with exit 2', async () => {
  const bad = await runCli(['replay', 'offsets', '--group', group, '--to', 'yesterday'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--to "yesterday" is not earliest, latest, an ISO 8601 time/);

  const unknown = await runCli(['replay', 'offsets', '--group', `${group}-typo`, '--to', 'earliest'], env);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/has no committed offsets .*--allow-new-group/);

  const noTopic = await runCli(['replay', 'offsets', '--group', group, '--to', 'earliest', '--topic', `${prefix}nope`], env);
  expect(noTopic.code).toBe(2);
  expect(noTopic.stderr).toMatch(/Topic .*nope does not exist/);
});
