import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { createControlOrm, migrateControlSchema, type ControlOrm } from '../../orm/control-orm.ts';
import {
  InvalidTenantDatabaseNameError,
  TenantDatabaseNameTakenError,
  UnknownTenantDatabaseError,
  readTenantDatabases,
  readTenantPlacement,
  registerTenantDatabase,
  setTenantDatabaseStatus,
} from '../index.ts';
import { createTenant } from '../../tenants/tenant-commands.ts';
import { createUser } from '../../users/users.ts';

// The registry of tenant databases, in plain SQL on a plain pg client, in a schema whose name
// is not the default (the directory and the CLI call these without the ORM, naming the schema).
const SCHEMA = 'control_databases';
let db: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;

function fields(name: string, slug: string) {
  return {
    name, slug, description: null, business_type: 'other', rut: null, address: null, commune: null, city: null,
    post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id: 'free',
    user_limit: null, group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
  };
}

beforeAll(async () => {
  db = await createTestDatabase('tenantry_tenant_databases');
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

it('starts with main (the control database, no url), open, and places existing tenants there', async () => {
  const admin = await createUser(orm, { email: 'databases@example.com' });
  const tenant = await createTenant(orm, { fields: fields('Placed Tenant', 'placed-tenant'), adminUserId: admin.id });
  const [main, ...others] = await readTenantDatabases(client, SCHEMA);
  expect(others).toEqual([]);
  expect(main).toEqual({ name: 'main', url: null, status: 'open', tenantCount: 1, createdAt: expect.stringMatching(/Z$/) });
  expect(await readTenantPlacement(client, SCHEMA, tenant.id)).toEqual({
    database: 'main',
    schemaName: tenant.schema_name,
    status: 'pending_setup',
    isActive: true,
  });
  expect(await readTenantPlacement(client, SCHEMA, '01a20000-0000-7000-8000-000000000000')).toBeNull();
});

it('registers a database once, refuses a duplicate or an invalid name, and drains and reopens it', async () => {
  await registerTenantDatabase(client, SCHEMA, { name: 'second', url: 'postgres://u:secret@127.0.0.1:5999/t' });
  await expect(registerTenantDatabase(client, SCHEMA, { name: 'second', url: 'postgres://other@127.0.0.1/x' })).rejects.toBeInstanceOf(
    TenantDatabaseNameTakenError,
  );
  await expect(registerTenantDatabase(client, SCHEMA, { name: 'Bad-Name', url: 'postgres://127.0.0.1/x' })).rejects.toBeInstanceOf(
    InvalidTenantDatabaseNameError,
  );
  expect((await readTenantDatabases(client, SCHEMA)).map((d) => [d.name, d.url, d.status, d.tenantCount])).toEqual([
    ['main', null, 'open', 1],
    ['second', 'postgres://u:secret@127.0.0.1:5999/t', 'open', 0],
  ]);

  await setTenantDatabaseStatus(client, SCHEMA, 'second', 'draining');
  expect((await readTenantDatabases(client, SCHEMA)).find((d) => d.name === 'second')?.status).toBe('draining');
  await setTenantDatabaseStatus(client, SCHEMA, 'second', 'open');
  expect((await readTenantDatabases(client, SCHEMA)).find((d) => d.name === 'second')?.status).toBe('open');
  await expect(setTenantDatabaseStatus(client, SCHEMA, 'nowhere', 'draining')).rejects.toBeInstanceOf(UnknownTenantDatabaseError);
});

it('does not count purged tenants', async () => {
  const admin = await createUser(orm, { email: 'purged-count@example.com' });
  const tenant = await createTenant(orm, { fields: fields('Purged Tenant', 'purged-tenant'), adminUserId: admin.id, database: 'main' });
  expect((await readTenantDatabases(client, SCHEMA)).find((d) => d.name === 'main')?.tenantCount).toBe(2);
  await client.query(
    `update ${SCHEMA}.tenants set status = 'purged', purged_at = now(), name = null, slug = null, rut = null, address = null, description = null where id = $1`,
    [tenant.id],
  );
  expect((await readTenantDatabases(client, SCHEMA)).find((d) => d.name === 'main')?.tenantCount).toBe(1);
});
