import { ensureTopics, tenantTopics } from '../topics.ts';
import { createTestKafkaClient, deleteTopics, uniqueName } from '../testing/index.ts';

describe('ensureTopics (real broker)', () => {
  const kafka = createTestKafkaClient();
  const prefix = `${uniqueName('topics')}.`;
  const names = { tenantEvents: `${prefix}tenant.events`, tenantProvisioning: `${prefix}tenant.provisioning` };

  afterAll(() => deleteTopics(kafka, Object.values(names)));

  it('creates the tenant topics with their partitions and infinite retention, then is a no-op', async () => {
    const specs = tenantTopics(names);
    expect(await ensureTopics(kafka, specs)).toEqual([names.tenantEvents, names.tenantProvisioning]);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [names.tenantEvents] });
      expect(topics[0]!.partitions).toHaveLength(6);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* TOPIC */, name: names.tenantEvents, configNames: ['retention.ms'] }],
      });
      expect(configs.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('-1');
    } finally {
      await admin.disconnect();
    }

    expect(await ensureTopics(kafka, specs)).toEqual([]);
  });

  it('tolerates concurrent creators of the same topic', async () => {
    const topic = `${prefix}race`;
    try {
      const results = await Promise.all([1, 2, 3].map(() => ensureTopics(kafka, [{ topic, numPartitions: 2 }])));
      expect(results.flat()).toEqual([topic]);
    } finally {
      await deleteTopics(kafka, [topic]);
    }
  });
});
