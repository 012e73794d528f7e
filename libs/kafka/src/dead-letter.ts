import type { IHeaders, Kafka as KafkaClient, KafkaMessage, Message } from 'kafkajs';
import { describeError } from './errors.ts';
import type { IdempotentProducer } from './producer.ts';
import { ensureTopics } from './topics.ts';

/** SPEC §4: one dead-letter topic per source topic and consumer group. */
export function deadLetterTopicFor(topic: string, groupId: string): string {
  return `${topic}.${groupId}.dlq`;
}

/** The group whose committed offsets on a DLQ topic mark how far it has been redriven (operator CLI, metrics). */
export function redriveGroupFor(groupId: string): string {
  return `${groupId}.dlq-redrive`;
}

/** Headers added to a dead letter, next to the original ones. */
export const DLQ_HEADERS = {
  error: 'dlq-error',
  attempts: 'dlq-attempts',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  failedAt: 'dlq-failed-at',
} as const;

// Keeps a huge stack or message from pushing the record past the broker's size limit.
const MAX_ERROR_LENGTH = 8_000;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>;
}

/** The dead letter: original key, value and headers plus the dlq-* headers. */
export function buildDeadLetter(source: DeadLetterSource, error: unknown, attempts: number, failedAt = new Date()): Message {
  const { topic, partition, message } = source;
  const headers: IHeaders = {
    ...(message.headers ?? {}),
    [DLQ_HEADERS.error]: describeError(error).slice(0, MAX_ERROR_LENGTH),
    [DLQ_HEADERS.attempts]: String(attempts),
    [DLQ_HEADERS.sourceTopic]: topic,
    [DLQ_HEADERS.sourcePartition]: String(partition),
    [DLQ_HEADERS.sourceOffset]: message.offset,
    [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
  };
  return { key: message.key, value: message.value, headers };
}

export interface DeadLetterInfo {
  error: string;
  attempts: number;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  failedAt: string;
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/** Reads the dlq-* headers back (for list/show/redrive tools); null if they are missing. */
export function readDeadLetterInfo(headers: IHeaders | undefined): DeadLetterInfo | null {
  const get = (name: string) => headerText(headers, name);
  const [error, attempts, sourceTopic, sourcePartition, sourceOffset, failedAt] = Object.values(DLQ_HEADERS).map(get);
  if (error === undefined || sourceTopic === undefined || sourcePartition === undefined || sourceOffset === undefined) return null;
  return {
    error,
    attempts: Number(attempts ?? 0),
    sourceTopic,
    sourcePartition: Number(sourcePartition),
    sourceOffset,
    failedAt: failedAt ?? '',
  };
}

/** Headers without the dlq-* ones: what a redrive puts back on the source topic. */
export function stripDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  const dlq = new Set<string>(Object.values(DLQ_HEADERS));
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !dlq.has(name)));
}

export interface DeadLetterPublisher {
  publish(source: DeadLetterSource, error: unknown, attempts: number): Promise<string>;
}

/**
 * Publishes dead letters for one consumer group, creating `<topic>.<group>.dlq` on first use.
 * Dead-letter topics keep messages until an operator drains them (retention.ms -1).
 */
export function createDeadLetterPublisher(kafka: KafkaClient, producer: IdempotentProducer, groupId: string): DeadLetterPublisher {
  const ensured = new Map<string, Promise<unknown>>();
  const ensure = (topic: string) => {
    let pending = ensured.get(topic);
    if (!pending) {
      pending = ensureTopics(kafka, [{ topic, numPartitions: 1, configs: { 'retention.ms': '-1' } }]).catch((error: unknown) => {
        ensured.delete(topic); // try again on the next dead letter
        throw error;
      });
      ensured.set(topic, pending);
    }
    return pending;
  };

  return {
    async publish(source, error, attempts) {
      const topic = deadLetterTopicFor(source.topic, groupId);
      await ensure(topic);
      await producer.send(topic, [buildDeadLetter(source, error, attempts)]);
      return topic;
    },
  };
}
