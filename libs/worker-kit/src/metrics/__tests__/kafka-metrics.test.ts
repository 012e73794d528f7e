import { NonRetriableError, createIdempotentProducer, ensureTopics, runConsumer, type RunningConsumer } from '@tenantry/kafka';
import { createTestKafkaClient, deleteTopics, testLogger, uniquePrefix, waitFor } from '@tenantry/kafka/testing';
import { promtoolCheckMetrics } from '@tenantry/testing';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '../registry.ts';
import { registerKafkaMetrics, type KafkaMetrics } from '../kafka-metrics.ts';

/** The samples of one metric in the registry's text output, by their label text. */
async function samples(registry: Registry, name: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    const match = new RegExp(`^${name}\\{(.*)\\} (\\S+)$`).exec(line);
    if (match) found.set(match[1], Number(match[2]));
  }
  return found;
}

const total = (values: Map<string, number>) => [...values.values()].reduce((sum, value) => sum + value, 0);

// Lag read from the real broker: it rises while the group's consumer is stopped and falls back to
// 0 once a consumer of the group runs again; a dead letter shows until it is redriven.
describe('registerKafkaMetrics', () => {
  const kafka = createTestKafkaClient();
  const logger = testLogger('kafka-metrics');
  const prefix = uniquePrefix();
  const topic = `${prefix}tenant.events`;
  const group = `${prefix}provisioner`;
  const producer = createIdempotentProducer(kafka);
  const registry = createMetricsRegistry();
  let metrics: KafkaMetrics;
  let consumer: RunningConsumer | undefined;

  const consume = () =>
    runConsumer({
      kafka,
      groupId: group,
      topics: [topic],
      fromBeginning: true,
      logger,
      retry: { attempts: 1 },
      handle: async (message) => {
        if (message.value?.toString() === 'poison') throw new NonRetriableError('refused by the test');
      },
    });

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    await producer.connect();
    metrics = registerKafkaMetrics(registry, kafka, [{ group, topic }], logger);
  });

  afterAll(async () => {
    await consumer?.stop();
    await metrics.close();
    await producer.disconnect();
    await deleteTopics(kafka, [topic, `${topic}.${group}.dlq`]);
  });

  it('reports lag per partition that rises while the consumer is stopped and falls after it runs again', async () => {
    consumer = consume();
    await consumer.ready;
    await producer.send(topic, [{ key: 'a', value: 'one' }]);
    await waitFor(async () => total(await samples(registry, 'tenantry_kafka_consumer_lag_messages')) === 0, { what: 'no lag while consuming' });
    await consumer.stop();
    consumer = undefined;

    await producer.send(topic, Array.from({ length: 12 }, (_, i) => ({ key: `tenant-${i}`, value: `event ${i}` })));
    const stopped = await samples(registry, 'tenantry_kafka_consumer_lag_messages');
    expect([...stopped.keys()].sort()).toEqual([0, 1, 2].map((partition) => `group="${group}",topic="${topic}",partition="${partition}"`));
    expect(total(stopped)).toBe(12);

    consumer = consume();
    await waitFor(async () => total(await samples(registry, 'tenantry_kafka_consumer_lag_messages')) === 0, { what: 'the lag back to 0' });
  });

  it('counts dead letters not redriven on the group\'s dead-letter topic', async () => {
    const dlq = `${topic}.${group}.dlq`;
    expect((await samples(registry, 'tenantry_kafka_dead_letters_pending_messages')).get(`group="${group}",topic="${dlq}"`)).toBe(0);
    await producer.send(topic, [{ key: 'p', value: 'poison' }]);
    await waitFor(async () => (await samples(registry, 'tenantry_kafka_dead_letters_pending_messages')).get(`group="${group}",topic="${dlq}"`) === 1, {
      what: 'one dead letter pending',
    });
  });

  it('writes text that promtool check metrics accepts', async () => {
    expect(await promtoolCheckMetrics(await registry.metrics())).toBe('');
  });
});
