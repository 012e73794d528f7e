import type { Config } from '@tenantry/config';
import { deadLetterTopicFor, readConsumerLag, redriveGroupFor } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { Admin, Kafka as KafkaClient } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

/** A consumer group and the topic it consumes. */
export interface WatchedConsumer {
  group: string;
  topic: string;
}

/**
 * Every consumer group of the stack: each process reports all of them, so a group whose
 * consumers are all down still shows its lag (from the processes that are up).
 */
export function stackConsumers(config: Pick<Config, 'groups' | 'topics'>): WatchedConsumer[] {
  return [
    { group: config.groups.provisioner, topic: config.topics.tenantEvents },
    { group: config.groups.dteSync, topic: config.topics.tenantEvents },
    { group: config.groups.tenantApi, topic: config.topics.tenantProvisioning },
  ];
}

// A scrape must answer even when Kafka does not: the gauges then keep no samples for that scrape.
const ADMIN_TIMEOUT_MS = 5_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ADMIN_TIMEOUT_MS} ms`)), ADMIN_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface KafkaMetrics {
  /** Resolves when the broker answers (readiness), through the same admin client. */
  ping(): Promise<void>;
  /** Disconnects the admin client the scrapes use. */
  close(): Promise<void>;
}

/**
 * Consumer lag per group, topic and partition, and dead letters not yet redriven per dead-letter
 * topic, read from the broker at scrape time (admin fetchOffsets against fetchTopicOffsets).
 */
export function registerKafkaMetrics(registry: Registry, kafka: KafkaClient, consumers: WatchedConsumer[], logger: Logger): KafkaMetrics {
  let admin: Admin | undefined;
  let connected: Promise<void> | undefined;
  const connect = () => {
    admin ??= kafka.admin();
    connected ??= admin.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
    return connected.then(() => admin!);
  };
  const log = logger.child({ component: 'metrics' });

  new Gauge({
    name: 'tenantry_kafka_consumer_lag_messages',
    help: 'Messages of a partition the consumer group has not committed yet (end of the log minus the committed offset)',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const client = await withTimeout(connect(), 'connecting the Kafka admin client');
        for (const { group, topic } of consumers) {
          for (const entry of await withTimeout(readConsumerLag(client, group, topic), `reading the lag of ${group}`)) {
            this.set({ group, topic, partition: String(entry.partition) }, entry.lag);
          }
        }
      } catch (error) {
        log.warn({ err: error }, 'consumer lag could not be read for this scrape');
      }
    },
  });

  new Gauge({
    name: 'tenantry_kafka_dead_letters_pending_messages',
    help: 'Dead letters not redriven yet, per dead-letter topic (<topic>.<group>.dlq)',
    labelNames: ['group', 'topic'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const client = await withTimeout(connect(), 'connecting the Kafka admin client');
        const existing = new Set(await withTimeout(client.listTopics(), 'listing topics'));
        for (const { group, topic } of consumers) {
          const dlq = deadLetterTopicFor(topic, group);
          if (!existing.has(dlq)) {
            this.set({ group, topic: dlq }, 0); // created on the first dead letter
            continue;
          }
          const pending = await withTimeout(readConsumerLag(client, redriveGroupFor(group), dlq), `reading ${dlq}`);
          this.set({ group, topic: dlq }, pending.reduce((sum, entry) => sum + entry.lag, 0));
        }
      } catch (error) {
        log.warn({ err: error }, 'dead-letter topics could not be read for this scrape');
      }
    },
  });

  return {
    async ping() {
      const client = await connect();
      await client.describeCluster();
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
