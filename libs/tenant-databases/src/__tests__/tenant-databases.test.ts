import { UnknownTenantDatabaseError, createControlOrm, createTenant, createUser, migrateControlSchema, registerTenantDatabase, setTenantDatabaseStatus, type ControlOrm } from '@tenantry/control-db';
import { captureLogger } from '@tenantry/kafka/testing';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { openTenantDatabases, type TenantDatabases } from '../index.ts';

// The directory against a real control schema and two real databases: `main` (the control
// database) and `second`, registered while the directory is already in use.
const SCHEMA = 'control_directory';
let control: TestDatabase;
let second: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;
const opened: TenantDatabases[] = [];

function open(options: { maxOpen?: number; refreshMs?: number } = {}): TenantDatabases {
  const databases = openTenantDatabases({ controlDatabaseUrl: control.url, controlSchema: SCHEMA, poolMax: 2, refreshMs: 3_600_000, ...options });
  opened.push(databases);
  return databases;
}

async function currentDatabase(databases: TenantDatabases, name: string): Promise<string> {
  return databases.use(name, async (tenantOrm) => (await tenantOrm.em.fork().execute<{ db: string }[]>('select current_database() as db'))[0].db);
}

beforeAll(async () => {
  control = await createTestDatabase('tenantry_directory');
  second = await createTestDatabase('tenantry_directory_second');
  orm = await createControlOrm({ databaseUrl: control.url, controlSchema: SCHEMA });
  await migrateControlSchema(orm, SCHEMA);
  client = new pg.Client({ connectionString: control.url });
  await client.connect();
});

afterAll(async () => {
  await Promise.all(opened.map((databases) => databases.close()));
  await client?.end();
  await orm?.close(true);
  await second?.drop();
  await control?.drop();
});

it('serves main from the control database, and finds a database registered after the first read without waiting for the refresh', async () => {
  const databases = open();
  expect(await currentDatabase(databases, 'main')).toBe(control.name);
  expect(await databases.url('main')).toBe(control.url);
  expect((await databases.list()).map((d) => d.name)).toEqual(['main']);

  await registerTenantDatabase(client, SCHEMA, { name: 'second', url: second.url });
  expect(await currentDatabase(databases, 'second')).toBe(second.name);
  expect((await databases.list()).map((d) => [d.name, d.status])).toEqual([
    ['main', 'open'],
    ['second', 'open'],
  ]);
  await expect(databases.use('nowhere', async () => 'ran')).rejects.toBeInstanceOf(UnknownTenantDatabaseError);
});

it('re-reads the registry once its copy is older than refreshMs (a drained database shows as draining)', async () => {
  const stale = open();
  const fresh = open({ refreshMs: 0 });
  expect((await stale.list()).find((d) => d.name === 'second')?.status).toBe('open');
  expect((await fresh.list()).find((d) => d.name === 'second')?.status).toBe('open');
  await setTenantDatabaseStatus(client, SCHEMA, 'second', 'draining');
  try {
    expect((await stale.list()).find((d) => d.name === 'second')?.status).toBe('open');
    expect((await fresh.list()).find((d) => d.name === 'second')?.status).toBe('draining');
  } finally {
    await setTenantDatabaseStatus(client, SCHEMA, 'second', 'open');
  }
});

it('keeps at most maxOpen databases open: one more closes the least recently used one, or waits while it is in use', async () => {
  const databases = open({ maxOpen: 1 });
  await currentDatabase(databases, 'main');
  expect(databases.openNow()).toEqual(['main']);
  await currentDatabase(databases, 'second');
  expect(databases.openNow()).toEqual(['second']);

  let finish!: () => void;
  const holding = databases.use('main', () => new Promise<void>((resolve) => (finish = resolve)));
  await new Promise((resolve) => setImmediate(resolve));
  const order: string[] = [];
  const waiting = currentDatabase(databases, 'second').then((name) => order.push(`second answered from ${name}`));
  await new Promise((resolve) => setTimeout(resolve, 200));
  order.push('main released');
  finish();
  await Promise.all([holding, waiting]);
  expect(order).toEqual(['main released', `second answered from ${second.name}`]);
  expect(databases.openNow()).toEqual(['second']);
});

it('reads where a tenant lives now from the control schema, null for an unknown tenant', async () => {
  const databases = open();
  const admin = await createUser(orm, { email: 'directory@example.com' });
  const tenant = await createTenant(orm, {
    fields: {
      name: 'Directory Tenant', slug: 'directory-tenant', description: null, business_type: 'other', rut: null, address: null, commune: null,
      city: null, post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id: 'free', user_limit: null,
      group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
    },
    adminUserId: admin.id,
  });
  expect(await databases.placementOf(tenant.id)).toBe('main');
  await client.query(`update ${SCHEMA}.tenants set database = 'second' where id = $1`, [tenant.id]);
  expect(await databases.placementOf(tenant.id)).toBe('second');
  expect(await databases.placementOf('01a20000-0000-7000-8000-000000000000')).toBeNull();
});

it('never logs a database URL: a password in a registered URL appears in no log line and no error', async () => {
  const { logger, lines } = captureLogger('directory');
  const databases = openTenantDatabases({ controlDatabaseUrl: control.url, controlSchema: SCHEMA, refreshMs: 0, logger });
  opened.push(databases);
  const withPassword = new URL(second.url);
  withPassword.password = 'pa55-in-url'; // trust authentication here: the server ignores it
  await registerTenantDatabase(client, SCHEMA, { name: 'secret', url: withPassword.toString() });
  const gone = new URL(withPassword);
  gone.port = '1';
  await registerTenantDatabase(client, SCHEMA, { name: 'gone', url: gone.toString() });

  expect(await currentDatabase(databases, 'secret')).toBe(second.name);
  const failure = await currentDatabase(databases, 'gone').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(Error);
  await databases.close();

  expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['tenant database opened', 'tenant database connections closed']));
  expect(JSON.stringify(lines)).not.toContain('pa55-in-url');
  expect(`${(failure as Error).message} ${(failure as Error).stack}`).not.toContain('pa55-in-url');
});
