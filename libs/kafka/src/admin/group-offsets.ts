import type { Admin } from 'kafkajs';
import { UnknownPartitionError, UnknownTopicError } from './admin-errors.ts';

/** Where to move a consumer group: `earliest`, `latest`, a time, or one offset for every partition. */
export type ResetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'time'; at: Date } | { kind: 'offset'; offset: bigint };

export interface GroupState {
  state: string;
  members: number;
}

export async function groupState(admin: Admin, groupId: string): Promise<GroupState> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  return { state: group?.state ?? 'Dead', members: group?.members.length ?? 0 };
}

export interface PartitionPlan {
  partition: number;
  /** Committed offset of the group, null when it has none. */
  current: string | null;
  target: string;
  low: string;
  high: string;
  /** Messages already consumed that the group will read again (current − target). */
  reread: number;
  /** Messages the group will read from `target` to today's end of the partition. */
  to_read: number;
  /** Messages never consumed that the group will skip (target − current when moving forward). */
  skipped: number;
}

const clamp = (value: bigint, low: bigint, high: bigint) => (value < low ? low : value > high ? high : value);
const num = (value: bigint) => Number(value);

/** What resetting `groupId` on `topic` to `target` would do, per partition. */
export async function planReset(
  admin: Admin,
  groupId: string,
  topic: string,
  target: ResetTarget,
  partitionFilter?: number,
): Promise<PartitionPlan[]> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) throw new UnknownTopicError(topic);
  const ends = await admin.fetchTopicOffsets(topic);
  const byTime = target.kind === 'time' ? await admin.fetchTopicOffsetsByTimestamp(topic, target.at.getTime()) : [];
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const currentOf = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));

  if (partitionFilter !== undefined && !ends.some((end) => end.partition === partitionFilter)) {
    throw new UnknownPartitionError(topic, partitionFilter, ends.length);
  }
  return ends
    .filter((end) => partitionFilter === undefined || end.partition === partitionFilter)
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, low, high }) => {
      const lo = BigInt(low);
      const hi = BigInt(high);
      let wanted: bigint;
      if (target.kind === 'earliest') wanted = lo;
      else if (target.kind === 'latest') wanted = hi;
      else if (target.kind === 'offset') wanted = target.offset;
      else wanted = BigInt(byTime.find((entry) => entry.partition === partition)?.offset ?? high);
      const to = clamp(wanted, lo, hi);
      const raw = currentOf.get(partition);
      const current = raw === undefined || BigInt(raw) < 0n ? null : BigInt(raw);
      return {
        partition,
        current: current === null ? null : current.toString(),
        target: to.toString(),
        low,
        high,
        reread: current === null || current <= to ? 0 : num(current - to),
        to_read: num(hi - to),
        skipped: current === null || current >= to ? 0 : num(to - current),
      };
    });
}
