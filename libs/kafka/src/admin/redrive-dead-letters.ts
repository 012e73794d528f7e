import type { Kafka as KafkaClient } from 'kafkajs';
import { readDeadLetterInfo, stripDeadLetterHeaders } from '../dead-letter.ts';
import { createIdempotentProducer } from '../producer.ts';
import { commitGroupOffsets } from './commit-group-offsets.ts';
import { dlqPartitions, rangesOf, type DlqPartition, type DlqTarget } from './dead-letter-reads.ts';
import { readRange, type RangeMessage } from './read-range.ts';

const BATCH = 100;

/** Consecutive messages of one partition bound for the same source topic, at most BATCH long. */
function batches(messages: RangeMessage[], fallbackTopic: string) {
  const out: { partition: number; topic: string; items: RangeMessage[] }[] = [];
  for (const item of messages) {
    const topic = readDeadLetterInfo(item.message.headers)?.sourceTopic ?? fallbackTopic;
    const last = out.at(-1);
    if (last && last.partition === item.partition && last.topic === topic && last.items.length < BATCH) last.items.push(item);
    else out.push({ partition: item.partition, topic, items: [item] });
  }
  return out;
}

export interface RedrivenMessage {
  partition: number;
  offset: string;
  topic: string;
  key: string | null;
}

export interface RedriveOutcome {
  /** The DLQ topic's partitions before the redrive; null when the topic does not exist. */
  partitions: DlqPartition[] | null;
  redriven: number;
  /** Dead letters still not redriven afterwards. */
  remaining: number;
  sent: RedrivenMessage[];
  /** The first failure (`Name: message`); nothing after it was sent or marked. */
  failure: string | null;
}

export interface RedriveOptions {
  /** At most this many per partition. */
  limit?: number;
  /** Called once the dead letters to redrive are read, with their count. */
  onRead?: (count: number) => void;
  /** Called after each acknowledged batch, with its size. */
  onSent?: (count: number) => void;
}

/**
 * Sends the dead letters of `target` not redriven yet back to their source topic (original key,
 * value and headers without dlq-*); only after Kafka acknowledged a batch does the redrive group
 * move past it. Nothing is deleted. Stops at the first failure and reports it.
 */
export async function redriveDeadLetters(kafka: KafkaClient, target: DlqTarget, options: RedriveOptions = {}): Promise<RedriveOutcome> {
  const admin = kafka.admin();
  await admin.connect();
  const producer = createIdempotentProducer(kafka);
  let redriven = 0;
  let failure: string | null = null;
  const sent: RedrivenMessage[] = [];
  try {
    const partitions = await dlqPartitions(admin, target);
    const messages = partitions ? await readRange(kafka, target.dlq_topic, rangesOf(partitions, { limit: options.limit })) : [];
    options.onRead?.(messages.length);
    for (const batch of batches(messages, target.source_topic)) {
      try {
        await producer.send(
          batch.topic,
          batch.items.map(({ message }) => ({ key: message.key, value: message.value, headers: stripDeadLetterHeaders(message.headers) })),
        );
        // Acknowledged by Kafka: only now is the redrive mark moved past these messages.
        const next = (BigInt(batch.items.at(-1)!.message.offset) + 1n).toString();
        await commitGroupOffsets(kafka, target.redrive_group, target.dlq_topic, [{ partition: batch.partition, offset: next }]);
      } catch (error) {
        failure = `${(error as Error).name}: ${(error as Error).message}`;
        break;
      }
      redriven += batch.items.length;
      for (const { partition, message } of batch.items) {
        sent.push({ partition, offset: message.offset, topic: batch.topic, key: message.key?.toString('utf8') ?? null });
      }
      options.onSent?.(batch.items.length);
    }
    const remaining = (partitions ?? []).reduce((sum, p) => sum + p.pending, 0) - redriven;
    return { partitions, redriven, remaining, sent, failure };
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}
