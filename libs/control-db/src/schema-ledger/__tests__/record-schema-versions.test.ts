import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { createControlOrm, migrateControlSchema, type ControlOrm } from '../../orm/control-orm.ts';
import { recordSchemaVersion, recordSchemaVersions } from '../record-schema-version.ts';
import { createTenant } from '../../tenants/tenant-commands.ts';
import { createUser } from '../../users/users.ts';

// `migrate up` writes the schema-version ledger in batches: the batch must leave exactly what the
// one-tenant call leaves (row, version, event), tenant by tenant.
const SCHEMA = 'control';
let db: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;

function fields(name: string, slug: string, plan_id = 'free') {
  return {
    name, slug, description: null, business_type: 'other', rut: null, address: 'Calle 1', commune: null, city: null,
    post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id,
    user_limit: null, group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
  };
}

interface EventRow {
  tenant_id: string;
  tenant_version: number;
  type: string;
  event: { type: string; tenantversion: number; data: { tenant: Record<string, unknown>; changed_fields: string[] } };
  published_at: string | null;
}

const eventsOf = async (tenantId: string) =>
  (await client.query<EventRow>(`select tenant_id, tenant_version, type, event, published_at from ${SCHEMA}.tenant_events where tenant_id = $1 order by seq`, [tenantId])).rows;
const tenantRow = async (tenantId: string) =>
  (await client.query<{ schema_version: string | null; version: number }>(`select schema_version, version from ${SCHEMA}.tenants where id = $1`, [tenantId])).rows[0];

beforeAll(async () => {
  db = await createTestDatabase('tenantry_ledger_batch');
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

it('records a batch exactly as one call per tenant would, reports unknown tenants per entry, and changes nothing already recorded', async () => {
  const admin = await createUser(orm, { email: 'ledger-batch@example.com' });
  const plans = (await client.query<{ id: string }>(`select id from ${SCHEMA}.plans order by id`)).rows.map((row) => row.id);
  const tenants = [];
  for (let i = 0; i < 5; i++) {
    tenants.push(await createTenant(orm, { fields: fields(`Ledger Tenant ${i}`, `ledger-${i}`, plans[i % plans.length]), adminUserId: admin.id }));
  }
  const [single, ...batched] = tenants;
  const unknown = '01a20000-0000-7000-8000-000000000000';

  await recordSchemaVersion(orm, single.id, 'Migration20991231000000_x');
  const outcomes = await recordSchemaVersions(orm, [
    { tenantId: batched[0].id, schemaVersion: 'Migration20991231000000_x' },
    { tenantId: unknown, schemaVersion: 'Migration20991231000000_x' },
    ...batched.slice(1).map((t) => ({ tenantId: t.id, schemaVersion: 'Migration20991231000000_x' })),
  ]);
  expect(outcomes).toEqual([
    { tenantId: batched[0].id, changed: true },
    { tenantId: unknown, error: expect.objectContaining({ code: 'TNT_ERR_TENANT_NOT_FOUND' }) },
    ...batched.slice(1).map((t) => ({ tenantId: t.id, changed: true })),
  ]);

  // Same shape as the one-tenant call: version + 1, one TenantUpdated carrying the new snapshot.
  const normalize = (event: EventRow) => {
    const { id: _id, time: _time, subject: _subject, ...envelope } = event.event as unknown as Record<string, unknown>;
    const data = (envelope as { data: { tenant: Record<string, unknown> } }).data;
    // name, slug, description, rut, address: sealed with each tenant's own key (contract v2), so they differ by construction.
    const { id: _tid, name: _n, slug: _s, description: _d, rut: _r, address: _a, schema_name: _sn, plan_id: _p, max_users: _m, created_at: _c, updated_at: _u, ...tenant } = data.tenant;
    return { ...event, tenant_id: 'x', event: { ...envelope, data: { ...data, tenant } } };
  };
  const singleEvents = await eventsOf(single.id);
  for (const tenant of batched) {
    expect(await tenantRow(tenant.id)).toEqual({ schema_version: 'Migration20991231000000_x', version: tenant.version + 1 });
    const events = await eventsOf(tenant.id);
    expect(events.map(normalize)).toEqual(singleEvents.map(normalize));
    const last = events[events.length - 1];
    expect(last).toMatchObject({ type: 'TenantUpdated', tenant_version: tenant.version + 1, published_at: null });
    expect(last.event.data).toMatchObject({ changed_fields: ['schema_version'], tenant: { id: tenant.id, schema_version: 'Migration20991231000000_x', version: tenant.version + 1, plan_id: tenant.plan_id, max_users: tenant.max_users } });
  }

  // Recording what the ledger holds is a no-op: no version bump, no event.
  const again = await recordSchemaVersions(orm, batched.map((t) => ({ tenantId: t.id, schemaVersion: 'Migration20991231000000_x' })));
  expect(again).toEqual(batched.map((t) => ({ tenantId: t.id, changed: false })));
  for (const tenant of batched) {
    expect(await tenantRow(tenant.id)).toEqual({ schema_version: 'Migration20991231000000_x', version: tenant.version + 1 });
    expect(await eventsOf(tenant.id)).toHaveLength(singleEvents.length);
  }
});

it('keeps nothing of a batch when the database refuses one of its rows', async () => {
  const admin = await createUser(orm, { email: 'ledger-batch-fail@example.com' });
  const tenants = [];
  for (let i = 0; i < 3; i++) tenants.push(await createTenant(orm, { fields: fields(`Refused Tenant ${i}`, `refused-${i}`), adminUserId: admin.id }));
  await client.query(`create function ${SCHEMA}.refuse_ledger() returns trigger language plpgsql as $$
                      begin if new.id = '${tenants[1].id}' then raise exception 'ledger write refused for the test'; end if; return new; end $$`);
  await client.query(`create trigger refuse_ledger before update on ${SCHEMA}.tenants for each row execute function ${SCHEMA}.refuse_ledger()`);
  try {
    await expect(recordSchemaVersions(orm, tenants.map((t) => ({ tenantId: t.id, schemaVersion: 'Migration20991231000001_y' })))).rejects.toThrow(/ledger write refused/);
    for (const tenant of tenants) {
      expect(await tenantRow(tenant.id)).toEqual({ schema_version: null, version: tenant.version });
      expect((await eventsOf(tenant.id)).map((e) => e.type)).toEqual(['TenantCreated']);
    }
  } finally {
    await client.query(`drop trigger refuse_ledger on ${SCHEMA}.tenants; drop function ${SCHEMA}.refuse_ledger()`);
  }
});
