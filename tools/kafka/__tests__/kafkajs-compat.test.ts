import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, Consumer, LogEntry, Producer } from 'kafkajs';

/**
 * kafkajs 2.2.4 against the project's Kafka 4.x broker. Kafka 4 dropped old protocol versions
 * (KIP-896), so this pins down that every API the services use still negotiates a version both
 * sides speak. Needs a running broker: `npm run kafka:start`, or KAFKA_BROKERS.
 */
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const runId = randomUUID().slice(0, 8);
const topic = `test.kafkajs-compat.${runId}`;
const txTopic = `test.kafkajs-compat-tx.${runId}`;
const groupId = `test-kafkajs-compat-${runId}`;
// A fresh broker loads its group and transaction coordinators on first use; allow for that.
const TIMEOUT_MS = 60_000;

// kafkajs logs every error response at ERROR level, including retriable ones a fresh broker gives
// (coordinator loading, concurrent transactions) which it then retries. Only the others are failures:
// an unsupported API version would show up here as a non-retriable error.
const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  errorCodes: Array<{ type: string; message: string; retriable: boolean }>;
};
const retriableMessages = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));
const errorLogs: string[] = [];
function isRetriable(entry: LogEntry): boolean {
  const raw = String(entry.log.error ?? entry.log.message).replace(/^Failed to send messages: /, '');
  return retriableMessages.has(raw);
}
const kafka = new Kafka({
  clientId: `kafkajs-compat-${runId}`,
  brokers,
  connectionTimeout: 3000,
  logLevel: logLevel.WARN,
  logCreator: () => (entry: LogEntry) => {
    if (entry.level === logLevel.ERROR && !isRetriable(entry)) {
      errorLogs.push(`${entry.namespace}: ${entry.log.message} ${entry.log.error ?? ''}`.trim());
    }
  },
});

let admin: Admin;
const clients: Array<Producer | Consumer> = [];

beforeAll(async () => {
  // Fail fast, with what to do, when no broker is up (the main client would retry for ~30 s).
  const probe = new Kafka({
    brokers,
    connectionTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await probe.connect();
    await probe.describeCluster();
  } catch (error) {
    throw new Error(
      `No Kafka broker answers on ${brokers.join(',')} (${(error as Error).message}). ` +
        'Start one with `npm run kafka:start`, or point KAFKA_BROKERS at a running broker.',
    );
  } finally {
    await probe.disconnect();
  }
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: 3, replicationFactor: 1 },
      { topic: txTopic, numPartitions: 1, replicationFactor: 1 },
    ],
  });
}, TIMEOUT_MS);

afterAll(async () => {
  for (const client of clients) await client.disconnect().catch(() => undefined);
  if (admin) {
    await admin.deleteTopics({ topics: [topic, txTopic] }).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}, TIMEOUT_MS);

test(
  'the broker is Kafka 4.x in KRaft mode and lists the new topics',
  async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([topic, txTopic]));
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0].partitions).toHaveLength(3);
  },
  TIMEOUT_MS,
);

test(
  'idempotent producer → consumer group reads keyed messages in order, commits, describes the group',
  async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    clients.push(producer);
    await producer.connect();
    const keys = ['tenant-a', 'tenant-b', 'tenant-c'];
    const perKey = 10;
    for (let seq = 0; seq < perKey; seq++) {
      const records = await producer.send({
        topic,
        messages: keys.map((key) => ({
          key,
          value: JSON.stringify({ key, seq }),
          headers: { 'x-seq': String(seq) },
        })),
      });
      expect(records.every((r) => r.errorCode === 0)).toBe(true);
    }

    // A short long-poll, so disconnect does not wait out the default 5 s fetch.
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 500,
    });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen = new Map<string, number[]>();
    const mismatches: string[] = [];
    const total = keys.length * perKey;
    let count = 0;
    const allRead = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }) => {
          const { key, seq } = JSON.parse(message.value!.toString()) as { key: string; seq: number };
          // Asserted after the run: a throw in here would only make kafkajs retry the message.
          if (message.key?.toString() !== key || message.headers?.['x-seq']?.toString() !== String(seq)) {
            mismatches.push(
              `offset ${message.offset}: key ${message.key}, x-seq ${message.headers?.['x-seq']}`,
            );
          }
          seen.set(key, [...(seen.get(key) ?? []), seq]);
          await consumer.commitOffsets([
            { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
          if (++count === total) resolve();
        },
      });
    });
    await allRead;

    expect(mismatches).toEqual([]);
    for (const key of keys) expect(seen.get(key)).toEqual([...Array(perKey).keys()]);

    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const endOffsets = await admin.fetchTopicOffsets(topic);
    for (const { partition, high } of endOffsets) {
      expect(committed.partitions.find((p) => p.partition === partition)?.offset).toBe(high);
    }
    const committedTotal = committed.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committedTotal).toBe(total);

    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(groups[0].members).toHaveLength(1);

    await consumer.disconnect();
    await producer.disconnect();
    expect(errorLogs).toEqual([]);
  },
  TIMEOUT_MS,
);

test(
  'transactional producer commits and aborts',
  async () => {
    const producer = kafka.producer({
      transactionalId: `kafkajs-compat-tx-${runId}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    clients.push(producer);
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic: txTopic, messages: [{ key: 'k', value: 'committed' }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic: txTopic, messages: [{ key: 'k', value: 'aborted' }] });
    await aborted.abort();
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${groupId}-tx`, readUncommitted: false });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [txTopic], fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) values.push(message.value!.toString());
          // The abort marker is the last record; once the batch reaches it, everything visible was read.
          if (BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark)) resolve();
        },
      });
    });
    await consumer.disconnect();
    await admin.deleteGroups([`${groupId}-tx`]).catch(() => undefined);
    expect(values).toEqual(['committed']);
    expect(errorLogs).toEqual([]);
  },
  TIMEOUT_MS,
);
