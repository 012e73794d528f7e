import { createControlOrm, createTenant, createUser, migrateControlSchema, updateTenant, type ControlOrm } from '@tenantry/control-db';
import { ensureTopics } from '@tenantry/kafka';
import { createTestKafkaClient, readTopic, testLogger, uniqueName } from '@tenantry/kafka/testing';
import { createTestDatabase, waitFor, type TestDatabase } from '@tenantry/testing';
import { startOutboxRelay, type OutboxRelay } from '../index.ts';

const SCHEMA = 'control';
let db: TestDatabase;
let orm: ControlOrm;
const kafka = createTestKafkaClient();
const logger = testLogger('outbox-relay-test');
const relays: OutboxRelay[] = [];

function fields(name: string, slug: string) {
  return {
    name, slug, description: null, business_type: 'other', rut: null, address: 'Calle 1', commune: null, city: null,
    post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id: 'free',
    user_limit: null, group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
  };
}

function relay(topic: string) {
  const r = startOutboxRelay({ databaseUrl: db.url, controlSchema: SCHEMA, kafka, topic, logger, pollIntervalMs: 1_000, standbyRetryMs: 200 });
  relays.push(r);
  return r;
}

beforeAll(async () => {
  db = await createTestDatabase('tenantry_relay');
  orm = await createControlOrm({ databaseUrl: db.url, controlSchema: SCHEMA });
  await migrateControlSchema(orm, SCHEMA);
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await orm?.close(true);
  await db?.drop();
});

it('publishes committed events in per-tenant order, keyed by tenant id, and marks them published', async () => {
  const topic = uniqueName('tenant.events');
  await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  const admin = await createUser(orm, { email: `${uniqueName('u')}@example.com` });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const tenant = await createTenant(orm, { fields: fields(`Relay Tenant ${i}`, `relay-${i}`), adminUserId: admin.id });
    await updateTenant(orm, tenant.id, { city: 'Temuco' });
    await updateTenant(orm, tenant.id, { city: 'Osorno' });
    ids.push(tenant.id);
  }
  const r = relay(topic);
  const messages = await readTopic(kafka, topic, 15);
  expect(r.isActive()).toBe(true);
  for (const id of ids) {
    const own = messages.filter((m) => m.key === id).sort((a, b) => Number(a.offset) - Number(b.offset));
    const events = own.map((m) => JSON.parse(m.value!));
    expect(events.map((e) => e.tenantversion)).toEqual([1, 2, 3]);
    expect(events.map((e) => e.type)).toEqual(['TenantCreated', 'TenantUpdated', 'TenantUpdated']);
    expect(new Set(own.map((m) => m.partition)).size).toBe(1);
    expect(own[0].headers['content-type']).toBe('application/cloudevents+json');
  }
  await waitFor('outbox drained', async () => {
    const rows = await orm.em.fork().execute<{ n: string }[]>('select count(*) as n from tenant_events where published_at is null');
    return rows[0].n === '0';
  });
});

it('keeps exactly one active relay; a standby takes over when the active one stops', async () => {
  const topic = uniqueName('tenant.events');
  await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
  // Earlier test's relay holds the lock for the whole database; stop it first.
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  const first = relay(topic);
  await waitFor('first relay active', () => first.isActive());
  const second = relay(topic);
  await second.started;
  expect(second.isActive()).toBe(false);
  await first.stop();
  await waitFor('standby becomes active', () => second.isActive(), { timeoutMs: 10_000 });
  const admin = await createUser(orm, { email: `${uniqueName('u')}@example.com` });
  const tenant = await createTenant(orm, { fields: fields('Takeover Tenant', 'takeover'), adminUserId: admin.id });
  const [message] = await readTopic(kafka, topic, 1);
  expect(message.key).toBe(tenant.id);
});
