import type { Kafka as KafkaClient } from 'kafkajs';

/**
 * Commits `partitions` as the offsets of the (inactive) consumer group `groupId` on `topic`.
 * Same technique as kafkajs `admin.setOffsets` (join as a paused member, seek, leave), but with a
 * short fetch wait: setOffsets waits the default 5 s for its first fetch on every call.
 */
export async function commitGroupOffsets(
  kafka: KafkaClient,
  groupId: string,
  topic: string,
  partitions: { partition: number; offset: string }[],
): Promise<void> {
  if (partitions.length === 0) return;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      // The first fetch comes after the group join, when the seeks below have been committed.
      consumer.on(consumer.events.FETCH, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
      consumer.pause([{ topic }]);
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
    });
  } finally {
    await consumer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const now = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
    const missed = partitions.filter(({ partition, offset }) => now.get(partition) !== offset);
    if (missed.length) {
      throw new Error(`Offsets of ${groupId} on ${topic} were not committed for partition(s) ${missed.map((m) => m.partition).join(', ')}`);
    }
  } finally {
    await admin.disconnect();
  }
}
