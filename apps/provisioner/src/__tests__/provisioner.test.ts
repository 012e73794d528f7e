import { Migration } from '@mikro-orm/migrations';
import { loadConfig } from '@tenantry/config';
import { createIdempotentProducer, deadLetterTopicFor, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import {
  captureLogger,
  collectTopic,
  committedOffsets,
  createTestKafkaClient,
  deleteTopics,
  recordCount,
  topicExists,
  uniquePrefix,
  type LogLine,
  type ReadMessage,
} from '@tenantry/kafka/testing';
import { createTenantEvent, parseEvent, toKafkaMessage, type TenantSnapshot } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import { LATEST_TENANT_MIGRATION, tenantMigrations } from '@tenantry/tenant-migrations';
import { createTenantSchemaOrm, readIssuer, readSchemaVersion, roleNameFor, schemaNameFor, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { createTestDatabase, waitFor, type TestDatabase } from '@tenantry/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import pg from 'pg';
import { startProvisioner, type ProvisionerWorker } from '../worker.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 };

/** Gets halfway, then fails on the database side: the whole provisioning must roll back. */
class Migration20991231000001_broken extends Migration {
  override up(): void {
    this.addSql('create table half_done (id integer primary key)');
    this.addSql('alter table table_that_does_not_exist add column nope text');
  }
}
const brokenMigrations = [...tenantMigrations, { name: 'Migration20991231000001_broken', class: Migration20991231000001_broken }];

describe('provisioner worker (real Kafka, real PostgreSQL)', () => {
  let db: TestDatabase;
  let orm: TenantSchemaOrm;
  let kafka: KafkaClient;
  let producer: IdempotentProducer;
  const workers: ProvisionerWorker[] = [];
  const collectors: { stop(): Promise<void> }[] = [];
  const createdTopics: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('tenantry_prov');
    orm = await createTenantSchemaOrm({ databaseUrl: db.url });
    kafka = createTestKafkaClient();
    producer = createIdempotentProducer(kafka);
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(collectors.map((collector) => collector.stop()));
    await producer?.disconnect();
    await orm?.close();
    await db?.drop();
    if (kafka) await deleteTopics(kafka, createdTopics);
  });

  /** Fresh topics and group, a running worker, and collectors on the report and dead-letter topics. */
  async function setUp(options: { migrations?: typeof brokenMigrations; spareSchemas?: number } = {}) {
    // Topics and group as the provisioner process derives them from its own KAFKA_TOPIC_PREFIX.
    const { topics, groups } = loadConfig({ KAFKA_TOPIC_PREFIX: uniquePrefix() });
    const groupId = groups.provisioner;
    const dlq = deadLetterTopicFor(topics.tenantEvents, groupId);
    createdTopics.push(topics.tenantEvents, topics.tenantProvisioning, dlq);
    await ensureTopics(kafka, tenantTopics(topics));
    const { logger, lines } = captureLogger('provisioner');
    const worker = startProvisioner({ kafka, orm, logger, topics, groupId, retry: fastRetry, maxWaitTimeInMs: 100, migrations: options.migrations, spareSchemas: options.spareSchemas });
    workers.push(worker);
    const reports = await collectTopic(kafka, topics.tenantProvisioning);
    collectors.push(reports);
    await worker.ready;
    return { topics, groupId, dlq, worker, lines, reports: reports.messages };
  }

  function reportsFor(reports: ReadMessage[], tenantId: string, type?: string): ReadMessage[] {
    return reports.filter((m) => m.key === tenantId && (!type || m.json?.type === type));
  }

  async function publish(topic: string, ...events: Parameters<typeof toKafkaMessage>[0][]) {
    await producer.send(topic, events.map(toKafkaMessage));
  }

  function snapshot(overrides: Partial<TenantSnapshot> = {}): TenantSnapshot {
    return buildTenantSnapshot({ version: 1, ...overrides });
  }

  async function connectAsTenantRole(tenantId: string): Promise<pg.Client> {
    const url = new URL(db.url);
    url.username = roleNameFor(tenantId);
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined); // a refused login must reject connect(), not crash the run
    await client.connect();
    return client;
  }

  async function canLogIn(tenantId: string): Promise<boolean> {
    try {
      await (await connectAsTenantRole(tenantId)).end();
      return true;
    } catch (error) {
      if (/not permitted to log in/.test((error as Error).message)) return false;
      throw error;
    }
  }

  async function schemaCount(tenantId: string): Promise<number> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('select count(*)::int as n from pg_namespace where nspname = $1', [schemaNameFor(tenantId)]);
      return rows[0].n as number;
    } finally {
      await client.end();
    }
  }

  describe('with the real tenant migrations', () => {
    let env: Awaited<ReturnType<typeof setUp>>;

    beforeAll(async () => {
      env = await setUp();
    });

    it('provisions the schema of a new tenant and reports TenantSchemaProvisioned for its tenantversion', async () => {
      const tenant = snapshot({ version: 3 });
      await publish(env.topics.tenantEvents, createTenantEvent('TenantCreated', { tenant }, { traceparent: TRACEPARENT }));

      const [report] = await waitFor('TenantSchemaProvisioned', () => reportsFor(env.reports, tenant.id).length > 0 && reportsFor(env.reports, tenant.id));

      expect(report.headers).toMatchObject({ 'content-type': 'application/cloudevents+json', ce_type: 'TenantSchemaProvisioned' });
      const parsed = parseEvent(report.value);
      expect(parsed.known).toBe(true);
      expect(report.json).toMatchObject({
        type: 'TenantSchemaProvisioned',
        source: 'provisioner',
        subject: tenant.id,
        tenantversion: 3,
        traceparent: TRACEPARENT,
        data: { schema_name: tenant.schema_name, schema_version: LATEST_TENANT_MIGRATION, duration_ms: expect.any(Number) },
      });
      expect(await readSchemaVersion(orm, tenant.id)).toBe(LATEST_TENANT_MIGRATION);
      expect(await readIssuer(orm, tenant.id)).toMatchObject({ razon_social: tenant.name, rut: tenant.rut, source_version: 3 });
      expect(await canLogIn(tenant.id)).toBe(true);

      // Every line about the event carries the tenant id and the trace it belongs to.
      const lines = env.lines.filter((line: LogLine) => line.tenant_id === tenant.id);
      expect(lines.map((line) => line.msg)).toContain('tenant schema provisioned');
      expect(lines.every((line) => line.traceparent === TRACEPARENT)).toBe(true);
    });

    it('reports success again when the same event is redelivered, and still has one schema', async () => {
      const message = toKafkaMessage(createTenantEvent('TenantCreated', { tenant: snapshot() }));
      const tenantId = message.key;
      await producer.send(env.topics.tenantEvents, [message]);
      await waitFor('first report', () => reportsFor(env.reports, tenantId).length === 1);

      await producer.send(env.topics.tenantEvents, [message]);
      await waitFor('second report', () => reportsFor(env.reports, tenantId).length === 2);

      expect(reportsFor(env.reports, tenantId, 'TenantSchemaProvisioned')).toHaveLength(2);
      expect(await schemaCount(tenantId)).toBe(1);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const applied = await client.query(`select name from "${schemaNameFor(tenantId)}".mikro_orm_migrations`).finally(() => client.end());
      expect(applied.rows.map((row) => row.name)).toEqual(tenantMigrations.map((m) => m.name));
    });

    // is_active is false when suspended or deactivated (SPEC §2): either way the role cannot log in.
    it.each([['TenantDeactivated'], ['TenantSuspended']] as const)('takes LOGIN away on %s and gives it back on TenantActivated', async (type) => {
      const tenant = snapshot({ status: 'active' });
      await publish(env.topics.tenantEvents, createTenantEvent('TenantCreated', { tenant }));
      await waitFor('provisioning report', () => reportsFor(env.reports, tenant.id).length === 1);
      expect(await canLogIn(tenant.id)).toBe(true);

      const inactive = { ...tenant, is_active: false, version: 2 };
      const lockedOut =
        type === 'TenantDeactivated'
          ? createTenantEvent(type, { tenant: { ...inactive, status: 'deactivated' }, user_status: null })
          : createTenantEvent(type, { tenant: { ...inactive, status: 'suspended' } });
      await publish(env.topics.tenantEvents, lockedOut);
      await waitFor('role locked out', async () => !(await canLogIn(tenant.id)));
      const lockLine = env.lines.find((line) => line.tenant_id === tenant.id && line.event_type === type);
      expect(lockLine).toMatchObject({ msg: 'tenant role can no longer log in', role_exists: true, tenantversion: 2 });

      const activated = { ...tenant, status: 'active' as const, is_active: true, version: 3 };
      await publish(env.topics.tenantEvents, createTenantEvent('TenantActivated', { tenant: activated }));
      await waitFor('role let back in', () => canLogIn(tenant.id));

      expect(reportsFor(env.reports, tenant.id)).toHaveLength(1); // role changes are not reported
    });

    it('dead-letters an invalid message, skips an unknown type, and goes on with the next event of the same key', async () => {
      const tenant = snapshot();
      const unknownType = { ...createTenantEvent('TenantUpdated', { tenant, changed_fields: ['name'] }), type: 'TenantArchived' };
      await producer.send(env.topics.tenantEvents, [
        { key: tenant.id, value: '{"specversion":"1.0", this is not JSON' },
        { key: tenant.id, value: JSON.stringify(unknownType) },
      ]);
      await publish(env.topics.tenantEvents, createTenantEvent('TenantCreated', { tenant }));

      await waitFor('report after the poison message', () => reportsFor(env.reports, tenant.id).length === 1);

      expect(env.dlq.endsWith('.provisioner.dlq')).toBe(true);
      expect(await recordCount(kafka, env.dlq)).toBe(1);
      const dlq = await collectTopic(kafka, env.dlq);
      collectors.push(dlq);
      const [deadLetter] = await waitFor('the dead letter', () => dlq.messages.length === 1 && dlq.messages);
      expect(deadLetter.key).toBe(tenant.id);
      expect(deadLetter.value).toBe('{"specversion":"1.0", this is not JSON');
      expect(deadLetter.headers['dlq-error']).toMatch(/^EventValidationError: .*not JSON/);
      expect(deadLetter.headers['dlq-attempts']).toBe('1'); // not retriable: no retries
      expect(reportsFor(env.reports, tenant.id, 'TenantSchemaProvisioned')).toHaveLength(1);
    });
  });

  describe('with spare schemas (PROVISIONER_SPARE_SCHEMAS)', () => {
    it('gives a new tenant a pre-built spare, reports it provisioned, and builds the replacement', async () => {
      const spareNames = async () => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like 'tenant\\_spare\\_%' order by 1`);
          return rows.map((r) => r.nspname);
        } finally {
          await client.end();
        }
      };
      const env = await setUp({ spareSchemas: 1 });
      const [spare] = await waitFor('the pool to build its spare', async () => {
        const names = await spareNames();
        return names.length === 1 ? names : undefined;
      }, { timeoutMs: 30_000, intervalMs: 50 });
      const tenant = snapshot({ version: 1, is_active: true });

      await publish(env.topics.tenantEvents, createTenantEvent('TenantCreated', { tenant }));

      const [report] = await waitFor('TenantSchemaProvisioned', async () => {
        const found = reportsFor(env.reports, tenant.id, 'TenantSchemaProvisioned');
        return found.length > 0 ? found : undefined;
      }, { timeoutMs: 30_000 });
      expect(report.json).toMatchObject({ data: { schema_name: schemaNameFor(tenant.id), schema_version: LATEST_TENANT_MIGRATION } });
      expect(env.lines.some((line) => line.msg === 'tenant schema provisioned' && line.from_spare === true)).toBe(true);
      expect(await readIssuer(orm, tenant.id)).toMatchObject({ razon_social: tenant.name });
      expect(await canLogIn(tenant.id)).toBe(true);
      // The spare became the tenant's schema; the pool built a new one in its place.
      const replacement = await waitFor('a replacement spare', async () => {
        const names = await spareNames();
        return names.length === 1 && names[0] !== spare ? names[0] : undefined;
      }, { timeoutMs: 30_000, intervalMs: 50 });
      expect(replacement).not.toBe(spare);
    });
  });

  describe('when a tenant migration fails', () => {
    it('retries, then reports TenantSchemaProvisioningFailed, leaves no schema and dead-letters nothing', async () => {
      const env = await setUp({ migrations: brokenMigrations });
      const tenant = snapshot({ version: 2 });
      await publish(env.topics.tenantEvents, createTenantEvent('TenantProvisionRequested', { tenant }, { traceparent: TRACEPARENT }));

      const [report] = await waitFor('failure report', () => reportsFor(env.reports, tenant.id).length > 0 && reportsFor(env.reports, tenant.id));

      expect(parseEvent(report.value).known).toBe(true);
      expect(report.json).toMatchObject({
        type: 'TenantSchemaProvisioningFailed',
        source: 'provisioner',
        subject: tenant.id,
        tenantversion: 2,
        traceparent: TRACEPARENT,
        data: { attempt: fastRetry.attempts, error: expect.stringContaining('Migration20991231000001_broken') },
      });
      expect(await schemaCount(tenant.id)).toBe(0);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const roles = await client.query('select 1 from pg_roles where rolname = $1', [roleNameFor(tenant.id)]).finally(() => client.end());
      expect(roles.rowCount).toBe(0);
      const attempts = env.lines.filter((line) => line.tenant_id === tenant.id && line.msg === 'tenant schema provisioning failed, will retry');
      expect(attempts.map((line) => line.attempt)).toEqual([1, 2]);

      // The message counts as handled: committed, not dead-lettered (an operator re-requests provisioning).
      await env.worker.stop();
      expect(Object.values(await committedOffsets(kafka, env.groupId, env.topics.tenantEvents))).toContain('1');
      expect(await topicExists(kafka, env.dlq)).toBe(false);
      expect(reportsFor(env.reports, tenant.id)).toHaveLength(1);
    });
  });
});
