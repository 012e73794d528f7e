import { Migration } from '@mikro-orm/migrations';
import { loadConfig } from '@tenantry/config';
import { createIdempotentProducer, deadLetterTopicFor, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import { captureLogger, collectTopic, committedOffsets, createTestKafkaClient, deleteTopics, recordCount, topicExists, uniquePrefix, type LogLine } from '@tenantry/kafka/testing';
import { createTenantEvent, toKafkaMessage, type TenantEvent, type TenantSnapshot } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import { tenantMigrations } from '@tenantry/tenant-migrations';
import { createTenantSchemaOrm, readSchemaVersion, roleNameFor, schemaNameFor, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { createTestDatabase, waitFor, type TestDatabase } from '@tenantry/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import pg from 'pg';
import { startProvisioner, type ProvisionerWorker } from '../worker.ts';

const TENANTS = 16;
const CONCURRENCY = 4;

// Shared with the migration below: how many provisionings are inside it right now, the most seen at
// once, and which calls fail (the 3rd and 4th of the run, whichever tenants they belong to).
const probe = { calls: 0, inside: 0, peak: 0, failed: 0 };

/** A last migration that sleeps a little in the database (so provisionings overlap) and fails twice mid-run. */
class Migration20991231000020_concurrency_probe extends Migration {
  override async up(): Promise<void> {
    const call = ++probe.calls;
    probe.peak = Math.max(probe.peak, ++probe.inside);
    try {
      await this.execute('select pg_sleep(0.05)');
    } finally {
      probe.inside--;
    }
    if (call === 3 || call === 4) {
      probe.failed++;
      throw new Error(`injected failure in provisioning call ${call}`);
    }
    this.addSql('create table concurrency_probe (id integer primary key)');
  }
}
const migrations = [...tenantMigrations, { name: 'Migration20991231000020_concurrency_probe', class: Migration20991231000020_concurrency_probe }];
const LATEST = 'Migration20991231000020_concurrency_probe';

/** What the provisioner logs when it has acted on an event (not the retries before). */
const OUTCOMES = new Set([
  'tenant schema provisioned',
  'tenant schema already provisioned, reported again',
  'tenant role can no longer log in',
  'tenant role can log in again',
]);

describe('provisioner with concurrency (real Kafka, real PostgreSQL)', () => {
  let db: TestDatabase;
  let orm: TenantSchemaOrm;
  let kafka: KafkaClient;
  let producer: IdempotentProducer;
  const workers: ProvisionerWorker[] = [];
  const collectors: { stop(): Promise<void> }[] = [];
  // Topics and group as a provisioner process derives them from its own KAFKA_TOPIC_PREFIX.
  const { topics, groups } = loadConfig({ KAFKA_TOPIC_PREFIX: uniquePrefix() });
  const groupId = groups.provisioner;

  beforeAll(async () => {
    db = await createTestDatabase('tenantry_prov_lanes');
    // One connection per tenant in flight plus one, as the provisioner process sizes its pool.
    orm = await createTenantSchemaOrm({ databaseUrl: db.url, poolMax: CONCURRENCY + 1 });
    await orm.em.fork().execute('select 1');
    kafka = createTestKafkaClient();
    producer = createIdempotentProducer(kafka);
    await ensureTopics(kafka, tenantTopics(topics));
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(collectors.map((collector) => collector.stop()));
    await producer?.disconnect();
    await orm?.close();
    await db?.drop();
    if (kafka) await deleteTopics(kafka, [topics.tenantEvents, topics.tenantProvisioning, deadLetterTopicFor(topics.tenantEvents, groupId)]);
  });

  async function canLogIn(tenantId: string): Promise<boolean> {
    const url = new URL(db.url);
    url.username = roleNameFor(tenantId);
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (/not permitted to log in/.test((error as Error).message)) return false;
      throw error;
    }
  }

  async function schemaCount(tenantId: string): Promise<number> {
    const [row] = (await orm.em.fork().execute('select count(*)::int as n from pg_namespace where nspname = ?', [schemaNameFor(tenantId)])) as { n: number }[];
    return row.n;
  }

  /** Outcome lines per tenant, in the order the worker logged them: [tenantversion, msg]. */
  function outcomesByTenant(lines: LogLine[]): Map<string, number[]> {
    const byTenant = new Map<string, number[]>();
    for (const line of lines) {
      if (typeof line.tenant_id !== 'string' || !OUTCOMES.has(line.msg as string)) continue;
      byTenant.set(line.tenant_id, [...(byTenant.get(line.tenant_id) ?? []), line.tenantversion as number]);
    }
    return byTenant;
  }

  it(`handles ${CONCURRENCY} tenants at once, each tenant's events in order, across failed attempts and a stop mid-stream; nothing is lost`, async () => {
    const reports = await collectTopic(kafka, topics.tenantProvisioning);
    collectors.push(reports);

    // Every tenant: created (v1), deactivated (v2); even ones activated again (v3). Only the right
    // order leaves an odd tenant's role without LOGIN and an even one's with it: a deactivation
    // handled before the creation would find no role, and the role would be born with LOGIN.
    const tenants: TenantSnapshot[] = [...Array(TENANTS).keys()].map(() => buildTenantSnapshot({ version: 1, status: 'active', is_active: true }));
    const events: TenantEvent[] = [];
    for (const tenant of tenants) events.push(createTenantEvent('TenantCreated', { tenant }));
    for (const tenant of tenants) {
      events.push(createTenantEvent('TenantDeactivated', { tenant: { ...tenant, version: 2, status: 'deactivated', is_active: false }, user_status: null }));
    }
    tenants.forEach((tenant, i) => {
      if (i % 2 === 0) events.push(createTenantEvent('TenantActivated', { tenant: { ...tenant, version: 3, status: 'active', is_active: true } }));
    });
    await producer.send(topics.tenantEvents, events.map(toKafkaMessage));

    const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 };
    const first = captureLogger('provisioner-1');
    const firstWorker = startProvisioner({ kafka, orm, logger: first.logger, topics, groupId, retry: fastRetry, maxWaitTimeInMs: 100, migrations, concurrency: CONCURRENCY });
    workers.push(firstWorker);
    await firstWorker.ready;
    // Stop it mid-stream, with provisionings in flight.
    await waitFor('a few schemas', () => reports.messages.length >= 5, { timeoutMs: 60_000 });
    await firstWorker.stop();

    const second = captureLogger('provisioner-2');
    const secondWorker = startProvisioner({ kafka, orm, logger: second.logger, topics, groupId, retry: fastRetry, maxWaitTimeInMs: 100, migrations, concurrency: CONCURRENCY });
    workers.push(secondWorker);
    await secondWorker.ready;
    // An offset is committed only once everything before it is done: all committed = all done.
    await waitFor('every offset committed', async () => {
      const committed = await committedOffsets(kafka, groupId, topics.tenantEvents);
      const total = Object.values(committed).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0);
      return total === events.length;
    }, { timeoutMs: 120_000, intervalMs: 250 });
    await secondWorker.stop();

    // It really ran tenants side by side, and the injected failures happened (and were retried).
    expect(probe.peak).toBeGreaterThan(1);
    expect(probe.peak).toBeLessThanOrEqual(CONCURRENCY);
    expect(probe.failed).toBe(2);
    // Each worker acted on each tenant's events in tenantversion order (a redelivery to the second
    // worker may repeat what the first did before the stop, in order again).
    for (const { lines } of [first, second]) {
      for (const [tenantId, versions] of outcomesByTenant(lines)) {
        expect({ tenantId, versions }).toEqual({ tenantId, versions: [...versions].sort((a, b) => a - b) });
        expect(new Set(versions).size).toBe(versions.length);
      }
    }
    // Nothing lost: every tenant has one complete schema, its report, and the role state of its last event.
    for (const [i, tenant] of tenants.entries()) {
      expect(await schemaCount(tenant.id)).toBe(1);
      expect(await readSchemaVersion(orm, tenant.id)).toBe(LATEST);
      expect(reports.messages.some((m) => m.key === tenant.id && m.json?.type === 'TenantSchemaProvisioned')).toBe(true);
      expect({ tenant: i, login: await canLogIn(tenant.id) }).toEqual({ tenant: i, login: i % 2 === 0 });
    }
    expect(reports.messages.filter((m) => m.json?.type === 'TenantSchemaProvisioningFailed')).toEqual([]);
    const dlq = deadLetterTopicFor(topics.tenantEvents, groupId);
    expect((await topicExists(kafka, dlq)) ? await recordCount(kafka, dlq) : 0).toBe(0);
  });
});
