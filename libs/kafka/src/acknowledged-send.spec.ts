import { describe, expect, it } from '@jest/globals';
import type { Message, RecordMetadata } from 'kafkajs';
import { sendUntilEveryPartitionAcknowledged } from './acknowledged-send.ts';
import { RetriableError } from './errors.ts';

const TOPIC = 'tenant.events';
const partitionByKey: Record<string, number> = { a: 0, b: 1, c: 2 };
const partitionOf = (message: Message) => message.partition ?? partitionByKey[String(message.key)];
const ack = (partition: number, baseOffset = '0'): RecordMetadata => ({ topicName: TOPIC, partition, errorCode: 0, baseOffset });
const messages: Message[] = [
  { key: 'a', value: 'a1' },
  { key: 'b', value: 'b1' },
  { key: 'a', value: 'a2' },
  { key: 'c', value: 'c1' },
];

describe('sendUntilEveryPartitionAcknowledged', () => {
  it('sends once when every partition is acknowledged', async () => {
    const sent: Message[][] = [];
    const answer = await sendUntilEveryPartitionAcknowledged(TOPIC, messages, async (batch) => {
      sent.push(batch);
      return [ack(0), ack(1), ack(2)];
    }, partitionOf);
    expect(sent).toEqual([messages]);
    expect(answer.map((entry) => entry.partition)).toEqual([0, 1, 2]);
  });

  it('sends the messages of unacknowledged partitions again, in order and pinned to their partition', async () => {
    const sent: Message[][] = [];
    const resends: unknown[] = [];
    const answers = [[ack(1)], [ack(0, '7'), ack(2, '9')]];
    const answer = await sendUntilEveryPartitionAcknowledged(TOPIC, messages, async (batch) => {
      sent.push(batch);
      return answers[sent.length - 1];
    }, partitionOf, { onResend: (resend) => resends.push(resend) });
    expect(resends).toEqual([{ topic: TOPIC, partitions: [0, 2], count: 3, round: 1 }]);
    expect(sent[1]).toEqual([
      { key: 'a', value: 'a1', partition: 0 },
      { key: 'a', value: 'a2', partition: 0 },
      { key: 'c', value: 'c1', partition: 2 },
    ]);
    expect(answer.map((entry) => entry.partition).sort()).toEqual([0, 1, 2]);
  });

  it('ignores acknowledgements of other topics and of partitions with an error code', async () => {
    const sent: Message[][] = [];
    await sendUntilEveryPartitionAcknowledged(TOPIC, [{ key: 'a', value: 'a1' }], async (batch) => {
      sent.push(batch);
      if (sent.length === 1) return [{ ...ack(0), topicName: 'other' }, { ...ack(0), errorCode: 6 }];
      return [ack(0)];
    }, partitionOf);
    expect(sent).toHaveLength(2);
  });

  it('gives up with a retriable error naming the partitions after the last round', async () => {
    let rounds = 0;
    const attempt = sendUntilEveryPartitionAcknowledged(TOPIC, messages, async () => {
      rounds += 1;
      return [ack(1)];
    }, partitionOf, { maxRounds: 3 });
    await expect(attempt).rejects.toThrow(RetriableError);
    await expect(attempt).rejects.toThrow('Kafka did not acknowledge 3 message(s) for tenant.events partition(s) 0, 2 after 3 send(s)');
    expect(rounds).toBe(3);
  });

  it('refuses to call a send checked when a message has no recorded partition', async () => {
    const attempt = sendUntilEveryPartitionAcknowledged(TOPIC, [{ key: 'zz', value: 'x' }], async () => [ack(0)], () => undefined);
    await expect(attempt).rejects.toThrow('No partition was recorded');
  });

  it('lets a failed send reject as it is', async () => {
    const failure = new Error('Connection error');
    await expect(sendUntilEveryPartitionAcknowledged(TOPIC, messages, async () => Promise.reject(failure), partitionOf)).rejects.toBe(failure);
  });
});
