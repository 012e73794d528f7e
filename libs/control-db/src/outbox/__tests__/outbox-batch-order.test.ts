import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { createControlOrm, migrateControlSchema, type ControlOrm } from '../../orm/control-orm.ts';
import { fetchOutboxBatch } from '../relay-queries.ts';
import { createTenant, updateTenant } from '../../tenants/tenant-commands.ts';
import { createUser } from '../../users/users.ts';

// Regression: the batch query once ordered by its text output column `seq`, so a backlog that
// crossed 9 → 10 came out as 1, 10, 11, ..., 2, ... and a tenant's v2 was published before its v1
// (found by the broker-outage fault scenario).
const SCHEMA = 'control';
let db: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;

function fields(name: string, slug: string) {
  return {
    name, slug, description: null, business_type: 'other', rut: null, address: 'Calle 1', commune: null, city: null,
    post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id: 'free',
    user_limit: null, group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
  };
}

beforeAll(async () => {
  db = await createTestDatabase('tenantry_outbox_order');
  orm = await createControlOrm({ databaseUrl: db.url, controlSchema: SCHEMA });
  await migrateControlSchema(orm, SCHEMA);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await orm?.close(true);
  await db?.drop();
});

it('returns a backlog in numeric seq order, so every tenant version follows the previous one', async () => {
  const admin = await createUser(orm, { email: 'outbox-order@example.com' });
  for (let i = 0; i < 6; i++) {
    const tenant = await createTenant(orm, { fields: fields(`Order Tenant ${i}`, `order-${i}`), adminUserId: admin.id });
    await updateTenant(orm, tenant.id, { city: 'Temuco' });
  }
  const batch = await fetchOutboxBatch(client, SCHEMA, 500);
  expect(batch.map((entry) => Number(entry.seq))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  const lastVersion = new Map<string, number>();
  for (const { tenantId, event } of batch) {
    expect(event.tenantversion).toBe((lastVersion.get(tenantId) ?? 0) + 1);
    lastVersion.set(tenantId, event.tenantversion);
  }
});
