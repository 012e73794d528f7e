import { loadConfig } from '@tenantry/config';
import { createControlOrm, createTenant, createUser, migrateControlSchema, registerTenantDatabase, type ControlOrm } from '@tenantry/control-db';
import { createIdempotentProducer, deadLetterTopicFor, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import { captureLogger, createTestKafkaClient, deleteTopics, uniquePrefix } from '@tenantry/kafka/testing';
import { openTenantDatabases, type TenantDatabases } from '@tenantry/tenant-databases';
import { createTenantEvent, toKafkaMessage, type TenantSnapshot } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import { createTenantSchemaOrm, provisionTenantSchema, readIssuer, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { createPostgresCluster, createTestDatabase, waitFor, type PostgresCluster, type TestDatabase } from '@tenantry/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import pg from 'pg';
import { startDteSync, type DteSyncWorker } from '../worker.ts';

// dte-sync over two tenant databases: `main` (the control database) and `far`, a database on a
// PostgreSQL cluster of this suite's own, which one test stops.
const SCHEMA = 'control';
const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 };

let cluster: PostgresCluster;
let control: TestDatabase;
let far: TestDatabase;
let controlOrm: ControlOrm;
let mainOrm: TenantSchemaOrm;
let farOrm: TenantSchemaOrm;
let databases: TenantDatabases;
let kafka: KafkaClient;
let producer: IdempotentProducer;
let worker: DteSyncWorker;
const { topics, groups } = loadConfig({ KAFKA_TOPIC_PREFIX: uniquePrefix() });

beforeAll(async () => {
  cluster = await createPostgresCluster();
  control = await createTestDatabase('tenantry_dte_databases');
  far = await createTestDatabase('tenantry_dte_far', cluster.adminUrl);
  controlOrm = await createControlOrm({ databaseUrl: control.url, controlSchema: SCHEMA });
  await migrateControlSchema(controlOrm, SCHEMA);
  const client = new pg.Client({ connectionString: control.url });
  await client.connect();
  await registerTenantDatabase(client, SCHEMA, { name: 'far', url: far.url });
  await client.end();
  mainOrm = await createTenantSchemaOrm({ databaseUrl: control.url });
  farOrm = await createTenantSchemaOrm({ databaseUrl: far.url });
  databases = openTenantDatabases({ controlDatabaseUrl: control.url, controlSchema: SCHEMA });
  kafka = createTestKafkaClient();
  producer = createIdempotentProducer(kafka);
  await ensureTopics(kafka, tenantTopics(topics));
  worker = startDteSync({ kafka, databases, logger: captureLogger('dte-sync').logger, topics, groupId: groups.dteSync, retry: fastRetry, maxWaitTimeInMs: 100 });
  await worker.ready;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await producer?.disconnect();
  await databases?.close();
  await Promise.all([mainOrm?.close(true), farOrm?.close(true), controlOrm?.close(true)]);
  await control?.drop();
  await cluster?.release();
  if (kafka) await deleteTopics(kafka, [topics.tenantEvents, topics.tenantProvisioning, deadLetterTopicFor(topics.tenantEvents, groups.dteSync)]);
}, 120_000);

/** A tenant known to the control schema, placed on `database`, its schema built there. */
async function placedTenant(database: string, label: string): Promise<TenantSnapshot> {
  const admin = await createUser(controlOrm, { email: `${label}@dte-databases.test` });
  const row = await createTenant(controlOrm, {
    fields: {
      name: label, slug: label, description: null, business_type: 'other', rut: null, address: null, commune: null, city: null,
      post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id: 'free', user_limit: null,
      group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
    },
    adminUserId: admin.id,
  });
  await controlOrm.em.fork().execute(`update ${SCHEMA}.tenants set database = ? where id = ?`, [database, row.id]);
  const tenant = buildTenantSnapshot({ id: row.id, version: 1, database });
  await provisionTenantSchema(database === 'far' ? farOrm : mainOrm, tenant);
  return tenant;
}

function updated(tenant: TenantSnapshot, version: number, address: string, database = tenant.database) {
  const snapshot = { ...tenant, address, version, database };
  return toKafkaMessage(createTenantEvent('TenantUpdated', { tenant: snapshot, changed_fields: ['address'] }));
}

it("writes the issuer on the tenant's current database, also when the event still names the old one", async () => {
  const tenant = await placedTenant('far', 'moved-tenant');
  // Written before a move, as it were: the event says main, the control schema says far.
  await producer.send(topics.tenantEvents, [updated(tenant, 2, 'Av. Placement 1', 'main')]);
  await waitFor('the issuer on far', async () => (await readIssuer(farOrm, tenant.id))?.source_version === 2, { timeoutMs: 60_000 });
  expect((await readIssuer(farOrm, tenant.id))?.address).toBe('Av. Placement 1');
  expect(await readIssuer(mainOrm, tenant.id)).toBeNull();
});

it("a stopped database holds only its own tenants' updates; they land once it is back", async () => {
  const onFar = await placedTenant('far', 'far-tenant');
  const onMain = await placedTenant('main', 'main-tenant');
  await cluster.stop();
  try {
    await producer.send(topics.tenantEvents, [updated(onFar, 2, 'Calle Lejana 2')]);
    await producer.send(topics.tenantEvents, [updated(onMain, 2, 'Calle Cercana 2')]);
    await waitFor('the main tenant updated while far is down', async () => (await readIssuer(mainOrm, onMain.id))?.address === 'Calle Cercana 2', {
      timeoutMs: 60_000,
    });
    await producer.send(topics.tenantEvents, [updated(onMain, 3, 'Calle Cercana 3')]);
    await waitFor('a later update of the main tenant too', async () => (await readIssuer(mainOrm, onMain.id))?.address === 'Calle Cercana 3', {
      timeoutMs: 60_000,
    });
  } finally {
    await cluster.start();
  }
  await waitFor('the far tenant updated once far is back', async () => (await readIssuer(farOrm, onFar.id))?.address === 'Calle Lejana 2', {
    timeoutMs: 60_000,
  });
}, 240_000);
