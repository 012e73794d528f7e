import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';

export interface TopicRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function text(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, (Array.isArray(v) ? v[0] : v)!.toString()]),
  );
}

/**
 * Everything on `topic` up to the high watermarks of the moment of the call, in offset order per
 * partition (a throwaway consumer group; nothing is committed that a service could see).
 */
export async function readWholeTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, high]) => high > 0).map(([p]) => p));
  const records: TopicRecord[] = [];
  if (pending.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `fault-reader-${randomBytes(5).toString('hex')}`, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const high = ends.get(partition) ?? 0;
        if (offset < high) {
          records.push({ partition, offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers: text(message.headers) });
        }
        if (offset >= high - 1 && pending.delete(partition) && pending.size === 0) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Reading ${topic} timed out after ${timeoutMs} ms (partitions left: ${[...pending].join(',')})`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
