import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { createControlOrm, migrateControlSchema, type ControlOrm } from '../../orm/control-orm.ts';
import {
  NoOpenTenantDatabaseError,
  TenantDatabaseDrainingError,
  UnknownTenantDatabaseError,
  registerTenantDatabase,
  setTenantDatabaseStatus,
} from '../index.ts';
import { recordSchemaVersion } from '../../schema-ledger/record-schema-version.ts';
import { createTenant, updateTenant } from '../../tenants/tenant-commands.ts';
import { countTenants, listTenantsAs, readTenantAs } from '../../tenants/tenant-queries.ts';
import { createUser } from '../../users/users.ts';

// Placement on create (the open database with the fewest tenants, ties by name, serialized by an
// advisory lock) and the snapshot's `database` and `move` on every read and event. The registry's
// URLs are never connected to here: placement is control data only.
const SCHEMA = 'control';
let db: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;
let adminId: string;
let seq = 0;

function fields() {
  seq += 1;
  return {
    name: `Placement Tenant ${seq}`, slug: `placement-${seq}`, description: null, business_type: 'other', rut: null, address: null,
    commune: null, city: null, post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [],
    plan_id: 'free', user_limit: null, group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
  };
}

const create = (database?: string) => createTenant(orm, { fields: fields(), adminUserId: adminId, database });

async function eventTenants(tenantId: string) {
  const { rows } = await client.query<{ type: string; event: { data: { tenant: { database: string; move: unknown }; from?: string } } }>(
    `select type, event from ${SCHEMA}.tenant_events where tenant_id = $1 order by seq`,
    [tenantId],
  );
  return rows.map((row) => ({ type: row.type, database: row.event.data.tenant.database, move: row.event.data.tenant.move }));
}

async function placements(): Promise<Record<string, number>> {
  const { rows } = await client.query<{ database: string; n: number }>(`select database, count(*)::int as n from ${SCHEMA}.tenants group by database`);
  return Object.fromEntries(rows.map((row) => [row.database, row.n]));
}

beforeAll(async () => {
  db = await createTestDatabase('tenantry_placement');
  orm = await createControlOrm({ databaseUrl: db.url, controlSchema: SCHEMA });
  await migrateControlSchema(orm, SCHEMA);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  adminId = (await createUser(orm, { email: 'placement@example.com' })).id;
});

afterAll(async () => {
  await client?.end();
  await orm?.close(true);
  await db?.drop();
});

it('places on main alone, then spreads concurrent creations evenly over the open databases, ties by name', async () => {
  const first = await create();
  expect(first.database).toBe('main');
  expect(first.move).toBeNull();
  await registerTenantDatabase(client, SCHEMA, { name: 'beta', url: 'postgres://u:pw@127.0.0.1:1/beta' });
  await registerTenantDatabase(client, SCHEMA, { name: 'alpha', url: 'postgres://u:pw@127.0.0.1:1/alpha' });
  // main has 1: the next goes to alpha (0, first by name), then beta (0), then the tie of three by name.
  expect((await create()).database).toBe('alpha');
  expect((await create()).database).toBe('beta');
  expect((await create()).database).toBe('alpha');
  // 8 at once: without the placement lock they all read the same counts and pile onto one database.
  await Promise.all(Array.from({ length: 8 }, () => create()));
  expect(await placements()).toEqual({ main: 4, alpha: 4, beta: 4 });
});

it('never places on a draining database, and honours a named open one', async () => {
  await setTenantDatabaseStatus(client, SCHEMA, 'alpha', 'draining');
  const placed = await Promise.all(Array.from({ length: 4 }, () => create()));
  expect(placed.map((tenant) => tenant.database).sort()).toEqual(['beta', 'beta', 'main', 'main']);
  expect((await create('beta')).database).toBe('beta');
  await expect(create('alpha')).rejects.toBeInstanceOf(TenantDatabaseDrainingError);
  await expect(create('nowhere')).rejects.toBeInstanceOf(UnknownTenantDatabaseError);
  await setTenantDatabaseStatus(client, SCHEMA, 'alpha', 'open');
});

it('refuses to create when every database is draining, leaving nothing behind', async () => {
  const before = await countTenants(orm, {});
  for (const name of ['main', 'alpha', 'beta']) await setTenantDatabaseStatus(client, SCHEMA, name, 'draining');
  await expect(create()).rejects.toBeInstanceOf(NoOpenTenantDatabaseError);
  expect(await countTenants(orm, {})).toBe(before);
  for (const name of ['main', 'alpha', 'beta']) await setTenantDatabaseStatus(client, SCHEMA, name, 'open');
});

it('filters lists and counts by database', async () => {
  const counts = await placements();
  for (const [database, n] of Object.entries(counts)) expect(await countTenants(orm, { database })).toBe(n);
  const page = await listTenantsAs(orm, { callerId: adminId, tid: null, superuserScope: true }, { database: 'beta' }, { limit: 100 });
  expect(page.page.data.length).toBe(counts.beta);
  expect(new Set(page.page.data.map((tenant) => tenant.database))).toEqual(new Set(['beta']));
});

it('shows an open move in reads and events without a version bump, and none once it finished', async () => {
  const tenant = await create();
  const { rows } = await client.query<{ id: string; requested_at: string }>(
    `insert into ${SCHEMA}.tenant_moves (tenant_id, from_database, to_database, mode, state, requested_at)
     values ($1, $2, 'beta', 'logical', 'subscribed', '2026-12-02T10:00:00.123456Z') returning id::text, requested_at::text`,
    [tenant.id, tenant.database],
  );
  const move = { to: 'beta', state: 'subscribed', started_at: '2026-12-02T10:00:00.123Z' };
  const read = await readTenantAs(orm, { tenantId: tenant.id, callerId: adminId, tid: null });
  expect(read.tenant).toMatchObject({ database: tenant.database, move, version: 1 });
  const listed = await listTenantsAs(orm, { callerId: adminId, tid: null, superuserScope: true }, {}, { limit: 1 });
  expect(listed.page.data[0]).toMatchObject({ id: tenant.id, move });

  // Every path that writes an event carries it: the ORM path (update) and the plain-SQL one (ledger).
  await updateTenant(orm, tenant.id, { giro: 'Pagos' });
  await recordSchemaVersion(orm, tenant.id, 'Migration20991231000000_x');
  await client.query(`update ${SCHEMA}.tenant_moves set state = 'done', finished_at = now() where id = $1`, [rows[0].id]);
  await updateTenant(orm, tenant.id, { giro: 'Pagos y más' });
  expect(await eventTenants(tenant.id)).toEqual([
    { type: 'TenantCreated', database: tenant.database, move: null },
    { type: 'TenantUpdated', database: tenant.database, move },
    { type: 'TenantUpdated', database: tenant.database, move },
    { type: 'TenantUpdated', database: tenant.database, move: null },
  ]);
  expect((await readTenantAs(orm, { tenantId: tenant.id, callerId: adminId, tid: null })).tenant?.move).toBeNull();
});
