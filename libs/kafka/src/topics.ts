import type { Admin, Kafka as KafkaClient } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  /** Defaults to 1. */
  numPartitions?: number;
  /** Defaults to the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '-1' }`. */
  configs?: Record<string, string>;
}

export const TENANT_EVENTS_PARTITIONS = 6;

/**
 * The two topics of SPEC §4. tenant.events keeps its history forever (a new consumer group can
 * rebuild from it); 6 partitions let up to 6 workers per group share tenants while a tenant's
 * events stay in order (key = tenant id).
 */
export function tenantTopics(
  topics: { tenantEvents: string; tenantProvisioning: string },
  { partitions = TENANT_EVENTS_PARTITIONS }: { partitions?: number } = {},
): TopicSpec[] {
  return [
    { topic: topics.tenantEvents, numPartitions: partitions, configs: { 'retention.ms': '-1', 'cleanup.policy': 'delete' } },
    { topic: topics.tenantProvisioning, numPartitions: partitions },
  ];
}

/**
 * Creates the topics that do not exist yet and waits until their partitions have leaders.
 * Safe to call concurrently from several processes: "already exists" counts as success.
 * Existing topics are left as they are (partitions and configs are not altered).
 * Returns the names it created (none when another process won the race).
 */
export async function ensureTopics(kafka: KafkaClient, topics: TopicSpec[]): Promise<string[]> {
  if (topics.length === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length === 0) return [];
    // kafkajs resolves false (no throw) when every failure is TOPIC_ALREADY_EXISTS, i.e. a race.
    // Its own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker of a cluster
    // answers until the new topic's metadata reached it (a worker then died at start on a fresh
    // three-node cluster): wait with our own poll, which retries that, in both cases.
    const created = await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map(({ topic, numPartitions = 1, replicationFactor, configs = {} }) => ({
        topic,
        numPartitions,
        ...(replicationFactor === undefined ? {} : { replicationFactor }),
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(admin, missing.map(({ topic }) => topic));
    return created ? missing.map(({ topic }) => topic) : [];
  } finally {
    await admin.disconnect();
  }
}

/** Polls metadata until every partition of `names` has a leader, on every broker asked. */
async function waitForLeaders(admin: Admin, names: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for leaders of ${names.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
