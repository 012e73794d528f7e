import type { Kafka } from 'kafkajs';
import { ensureTopics } from './topics.ts';

// Regression (fault suite, three-node cluster): right after CreateTopics, a broker that has not yet
// seen the new topic answers UNKNOWN_TOPIC_OR_PARTITION. kafkajs's own waitForLeaders gives up on
// that, and a worker died at start. ensureTopics must keep polling until every partition has a leader.
function clusterCatchingUp(unknownAnswers: number) {
  const calls = { createTopics: [] as Array<{ waitForLeaders?: boolean }>, metadata: 0 };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [],
    createTopics: async (options: { waitForLeaders?: boolean }) => {
      calls.createTopics.push(options);
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      calls.metadata++;
      if (calls.metadata <= unknownAnswers) {
        throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
      }
      return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 2 }] })) };
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, calls };
}

describe('ensureTopics on a cluster whose brokers learn of a new topic one after the other', () => {
  it('waits through UNKNOWN_TOPIC_OR_PARTITION answers instead of failing', async () => {
    const { kafka, calls } = clusterCatchingUp(3);
    await expect(ensureTopics(kafka, [{ topic: 'x.tenant.events', numPartitions: 1 }])).resolves.toEqual(['x.tenant.events']);
    expect(calls.createTopics).toEqual([expect.objectContaining({ waitForLeaders: false })]);
    expect(calls.metadata).toBe(4);
  });
});
