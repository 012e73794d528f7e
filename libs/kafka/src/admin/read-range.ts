import { randomBytes } from 'node:crypto';
import type { KafkaMessage, Kafka as KafkaClient } from 'kafkajs';

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  from: string;
  /** One past the last offset to read (e.g. the high watermark). */
  to: string;
}

export interface RangeMessage {
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads exactly the given offset ranges of `topic`, in offset order per partition. Uses a throwaway
 * consumer group (kafkajs consumers always need one) that seeks to each range's start, commits
 * nothing and is deleted at the end, so no real group is touched.
 */
export async function readRange(kafka: KafkaClient, topic: string, ranges: PartitionRange[], timeoutMs = 30_000): Promise<RangeMessage[]> {
  const wanted = ranges.filter((r) => BigInt(r.from) < BigInt(r.to));
  if (wanted.length === 0) return [];
  const groupId = `tenantry-cli.reader.${randomBytes(6).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  const got = new Map<number, RangeMessage[]>(wanted.map((r) => [r.partition, []]));
  const end = new Map(wanted.map((r) => [r.partition, BigInt(r.to)]));
  const isDone = () => wanted.every((r) => {
    const list = got.get(r.partition)!;
    return list.length > 0 && BigInt(list.at(-1)!.message.offset) + 1n >= end.get(r.partition)!;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const limit = end.get(partition);
        if (limit === undefined || BigInt(message.offset) >= limit) return;
        got.get(partition)!.push({ partition, message });
        if (isDone()) finish();
      },
    });
    for (const r of wanted) consumer.seek({ topic, partition: r.partition, offset: r.from });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms reading ${topic}`)), timeoutMs);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return wanted.flatMap((r) => got.get(r.partition)!);
}
