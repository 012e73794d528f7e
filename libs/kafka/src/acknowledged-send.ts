import type { Message, RecordMetadata } from 'kafkajs';
import { RetriableError } from './errors.ts';

/** One `producer.send` for a topic; resolves with the partitions the brokers acknowledged. */
export type SendOnce = (messages: Message[]) => Promise<RecordMetadata[]>;

/** Told before each resend: which partitions were left unacknowledged, and how many messages. */
export type OnResend = (resend: { topic: string; partitions: number[]; count: number; round: number }) => void;

/**
 * kafkajs 2.2.4 can resolve `send()` without sending some partitions' messages: its retry keeps
 * the answers of brokers that already replied, so a partition whose leader moved to one of those
 * brokers is dropped from the retry (see the open upstream PR "Retry produce to all brokers after
 * a failed send"). We therefore check that every partition we wrote to was acknowledged and send
 * the rest again, pinned to the partition they were meant for. The idempotent producer's
 * sequence numbers for those partitions were rolled back by the failed attempt, so a batch the
 * dead leader did replicate is recognised by the new leader as a duplicate, not written twice.
 */
export async function sendUntilEveryPartitionAcknowledged(
  topic: string,
  messages: Message[],
  sendOnce: SendOnce,
  partitionOf: (message: Message) => number | undefined,
  { maxRounds = 5, onResend }: { maxRounds?: number; onResend?: OnResend } = {},
): Promise<RecordMetadata[]> {
  const acknowledged: RecordMetadata[] = [];
  let pending = messages;
  for (let round = 1; pending.length > 0; round++) {
    const answer = await sendOnce(pending);
    acknowledged.push(...answer);
    const acked = new Set(answer.filter((entry) => entry.topicName === topic && entry.errorCode === 0).map((entry) => entry.partition));
    const missing: Message[] = [];
    for (const message of pending) {
      const partition = partitionOf(message);
      if (partition === undefined) {
        throw new RetriableError(`No partition was recorded for a message sent to ${topic}; the send cannot be checked`, { topic });
      }
      if (!acked.has(partition)) missing.push({ ...message, partition });
    }
    if (missing.length > 0) {
      const partitions = [...new Set(missing.map((message) => message.partition as number))];
      if (round >= maxRounds) {
        throw new RetriableError(
          `Kafka did not acknowledge ${missing.length} message(s) for ${topic} partition(s) ${partitions.join(', ')} after ${round} send(s); send them again`,
          { topic },
        );
      }
      onResend?.({ topic, partitions, count: missing.length, round });
    }
    pending = missing;
  }
  return acknowledged;
}
