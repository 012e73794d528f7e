import { randomBytes } from 'node:crypto';
import { createLogger, type Logger } from '@tenantry/logger';
import type { IHeaders, Kafka as KafkaClient } from 'kafkajs';
import { createKafkaClient } from '../client.ts';

/** Brokers for tests: KAFKA_BROKERS or the local default of SPEC §6. */
export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
}

/** `test.<random>.`: a KAFKA_TOPIC_PREFIX of its own, so a suite shares no topic or group (see config's topics and groups). */
export function uniquePrefix(): string {
  return `test.${randomBytes(5).toString('hex')}.`;
}

/** `test.<random>.<label>`: unique per call, so suites never share topics or groups. */
export function uniqueName(label: string): string {
  return `${uniquePrefix()}${label}`;
}

/** Quiet by default; TEST_LOG_LEVEL=debug shows kafkajs and runner lines. */
export function testLogger(name = 'kafka-test'): Logger {
  const level = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';
  return createLogger({ name, level });
}

export function createTestKafkaClient(logger: Logger = testLogger()): KafkaClient {
  return createKafkaClient({ brokers: testBrokers(), clientId: uniqueName('client'), logger });
}

export async function waitFor(condition: () => boolean | Promise<boolean>, { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** `value` parsed as a JSON object, or null when it is not JSON. */
  json: Record<string, unknown> | null;
}

function headersText(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, (Array.isArray(v) ? v[0] : v)!.toString()]),
  );
}

function jsonOrNull(text: string | null): Record<string, unknown> | null {
  try {
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return null;
  }
}

export interface TopicCollector {
  /** Fills as messages arrive, in arrival order. */
  messages: ReadMessage[];
  stop(): Promise<void>;
}

/** Reads `topic` from the beginning with a throwaway group until stop(), e.g. for a whole suite. */
export async function collectTopic(kafka: KafkaClient, topic: string): Promise<TopicCollector> {
  const consumer = kafka.consumer({ groupId: uniqueName('collector'), maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const value = message.value?.toString() ?? null;
        messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value,
          headers: headersText(message.headers),
          json: jsonOrNull(value),
        });
      },
    });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return { messages, stop: () => consumer.disconnect() };
}

/** Reads `count` messages of `topic` from the beginning with a throwaway group (headers as text). */
export async function readTopic(kafka: KafkaClient, topic: string, count: number, timeoutMs = 20_000): Promise<ReadMessage[]> {
  const collector = await collectTopic(kafka, topic);
  try {
    const { messages } = collector;
    await waitFor(() => messages.length >= count, { timeoutMs, what: `${count} message(s) on ${topic} (got ${messages.length})` });
    return messages;
  } finally {
    await collector.stop();
  }
}

/** Number of records ever written to `topic` (sum of high watermarks), without consuming it. */
export async function recordCount(kafka: KafkaClient, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, { high }) => sum + Number(high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Committed offset per partition of `groupId` on `topic` ('-1' when none). */
export async function committedOffsets(kafka: KafkaClient, groupId: string, topic: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries((result?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics that exist among `topics` (test clean-up; missing ones are ignored). */
export async function deleteTopics(kafka: KafkaClient, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}

export async function topicExists(kafka: KafkaClient, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}
