import { deadLetterTopicFor, readDeadLetterInfo, redriveGroupFor, type DeadLetterInfo } from '@tenantry/kafka';
import type { Admin, IHeaders } from 'kafkajs';
import type { CliContext } from './context.ts';
import type { PartitionRange, RangeMessage } from './read-range.ts';

export interface DlqTarget {
  group: string;
  source_topic: string;
  dlq_topic: string;
  redrive_group: string;
}

export function dlqTarget(ctx: CliContext, options: { group: string; topic?: string }): DlqTarget {
  const sourceTopic = options.topic ?? ctx.config.topics.tenantEvents;
  return {
    group: options.group,
    source_topic: sourceTopic,
    dlq_topic: deadLetterTopicFor(sourceTopic, options.group),
    redrive_group: redriveGroupFor(options.group),
  };
}

export interface DlqPartition {
  partition: number;
  low: string;
  high: string;
  /** Next offset to redrive: the redrive group's committed offset, or `low` when it has none. */
  redriven_up_to: string;
  pending: number;
}

/** Per partition of the DLQ topic: what exists and how much is not redriven yet; null if no DLQ topic. */
export async function dlqPartitions(admin: Admin, target: DlqTarget): Promise<DlqPartition[] | null> {
  if (!(await admin.listTopics()).includes(target.dlq_topic)) return null;
  const ends = await admin.fetchTopicOffsets(target.dlq_topic);
  const [committed] = await admin.fetchOffsets({ groupId: target.redrive_group, topics: [target.dlq_topic] });
  const done = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));
  return ends
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, low, high }) => {
      const mark = BigInt(done.get(partition) ?? '-1');
      const from = mark < BigInt(low) ? BigInt(low) : mark;
      return { partition, low, high, redriven_up_to: from.toString(), pending: Number(BigInt(high) - from) };
    });
}

/** Ranges still to redrive (or everything kept, with `all`), at most `limit` messages per partition. */
export function rangesOf(partitions: DlqPartition[], { all = false, limit }: { all?: boolean; limit?: number } = {}): PartitionRange[] {
  return partitions.map((p) => {
    const from = BigInt(all ? p.low : p.redriven_up_to);
    const high = BigInt(p.high);
    const to = limit === undefined || from + BigInt(limit) > high ? high : from + BigInt(limit);
    return { partition: p.partition, from: from.toString(), to: to.toString() };
  });
}

export function headerText(headers: IHeaders | undefined, name: string): string | null {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? null : first.toString();
}

export interface DeadLetterSummary {
  partition: number;
  offset: string;
  key: string | null;
  event_type: string | null;
  event_id: string | null;
  redriven: boolean;
  dlq: {
    error: string;
    attempts: number;
    source_topic: string;
    source_partition: number;
    source_offset: string;
    failed_at: string;
  } | null;
}

function snakeInfo(info: DeadLetterInfo | null): DeadLetterSummary['dlq'] {
  if (!info) return null;
  return {
    error: info.error,
    attempts: info.attempts,
    source_topic: info.sourceTopic,
    source_partition: info.sourcePartition,
    source_offset: info.sourceOffset,
    failed_at: info.failedAt,
  };
}

export function summarize({ partition, message }: RangeMessage, redrivenUpTo: Map<number, string>): DeadLetterSummary {
  let type = headerText(message.headers, 'ce_type');
  let id = headerText(message.headers, 'ce_id');
  if (!type || !id) {
    try {
      const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as { type?: unknown; id?: unknown } | null;
      type ??= typeof value?.type === 'string' ? value.type : null;
      id ??= typeof value?.id === 'string' ? value.id : null;
    } catch {
      // not JSON: a poison value, shown as is by `dlq show`
    }
  }
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    event_type: type,
    event_id: id,
    redriven: BigInt(message.offset) < BigInt(redrivenUpTo.get(partition) ?? '0'),
    dlq: snakeInfo(readDeadLetterInfo(message.headers)),
  };
}
