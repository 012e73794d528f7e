import type { Admin } from 'kafkajs';

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Messages between the group's committed offset (the log start when it has none) and the end of the log. */
  lag: number;
}

/**
 * The lag of `group` on each partition of `topic`: the end of the log (fetchTopicOffsets) minus
 * the group's committed offset (fetchOffsets). A group that never committed counts from the start
 * of the log, as a new group reading from the beginning would.
 */
export async function readConsumerLag(admin: Admin, group: string, topic: string): Promise<PartitionLag[]> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
  const done = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]));
  return ends.map(({ partition, high, low }) => {
    const at = done.get(partition) ?? -1n;
    const from = at < 0n ? BigInt(low) : at;
    const lag = BigInt(high) - from;
    return { group, topic, partition, lag: Number(lag > 0n ? lag : 0n) };
  });
}
