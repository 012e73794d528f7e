import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createKafkaClient } from '@tenantry/kafka';
import { createLogger, type Logger } from '@tenantry/logger';
import type { IHeaders, Kafka as KafkaClient } from 'kafkajs';

/** `test.<random>.` — the KAFKA_TOPIC_PREFIX of one suite, so suites never share topics or groups. */
export function testPrefix(): string {
  return `test.${randomBytes(5).toString('hex')}.`;
}

/** The two topics of SPEC §4 under a fresh prefix. */
export function testTopics(prefix = testPrefix()) {
  return { tenantEvents: `${prefix}tenant.events`, tenantProvisioning: `${prefix}tenant.provisioning` };
}

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug to see kafkajs and the worker). */
export function quietLogger(name: string): Logger {
  return createLogger({ name, level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' });
}

export function testKafka(): KafkaClient {
  return createKafkaClient({
    brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
    clientId: `test-${randomBytes(4).toString('hex')}`,
    logger: quietLogger('kafka-test'),
  });
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** A real pino logger whose JSON lines are kept in `lines` for assertions. */
export function captureLogger(name: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ name, level: 'debug', destination }), lines };
}

export interface CollectedMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** `value` parsed as JSON, or null when it is not JSON. */
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

/** Reads `topic` from the beginning, for the whole suite, with a throwaway group. */
export async function collectTopic(kafka: KafkaClient, topic: string): Promise<{ messages: CollectedMessage[]; stop(): Promise<void> }> {
  const consumer = kafka.consumer({ groupId: `${topic}.collector`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const messages: CollectedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString('utf8') ?? null;
      messages.push({ key: message.key?.toString() ?? null, value, headers: headersText(message.headers), json: jsonOrNull(value) });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
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

/** Committed offset per partition of `groupId` on `topic` ('-1' where nothing was committed). */
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

export async function topicExists(kafka: KafkaClient, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes those of `topics` that exist (suite clean-up). */
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
