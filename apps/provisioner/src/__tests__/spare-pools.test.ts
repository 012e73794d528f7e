import { createControlOrm, migrateControlSchema, registerTenantDatabase, setTenantDatabaseStatus, type ControlOrm } from '@tenantry/control-db';
import { openTenantDatabases, type TenantDatabases } from '@tenantry/tenant-databases';
import { createTestDatabase, waitFor, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { startSparePools, type SparePools } from '../spare-pools.ts';

// Spare schemas per open tenant database: `main` and a database registered while the pools run
// (a second database on the same server is enough: spares are per database).
const SCHEMA = 'control_spares';
let control: TestDatabase;
let second: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;
let databases: TenantDatabases;
let pools: SparePools;

async function sparesOn(url: string): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(`select 1 from pg_namespace where nspname like 'tenant\\_spare\\_%'`);
    return rows.length;
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  control = await createTestDatabase('tenantry_spare_pools');
  second = await createTestDatabase('tenantry_spare_pools_second');
  orm = await createControlOrm({ databaseUrl: control.url, controlSchema: SCHEMA });
  await migrateControlSchema(orm, SCHEMA);
  client = new pg.Client({ connectionString: control.url });
  await client.connect();
  databases = openTenantDatabases({ controlDatabaseUrl: control.url, controlSchema: SCHEMA, refreshMs: 0 });
});

afterAll(async () => {
  await pools?.stop();
  await databases?.close();
  await client?.end();
  await orm?.close(true);
  await second?.drop();
  await control?.drop();
});

it('keeps spares on every open database, starts on one registered later, and stops building on one that drains', async () => {
  pools = startSparePools(databases, { size: 1, intervalMs: 200 });
  await waitFor('a spare on main', async () => (await sparesOn(control.url)) === 1);
  expect(pools.has('main')).toBe(true);
  expect(pools.has('second')).toBe(false);

  await registerTenantDatabase(client, SCHEMA, { name: 'second', url: second.url });
  await waitFor('a spare on second', async () => (await sparesOn(second.url)) === 1);
  expect(pools.has('second')).toBe(true);

  await setTenantDatabaseStatus(client, SCHEMA, 'second', 'draining');
  await waitFor('no pool on the draining database', () => !pools.has('second'));
  expect(pools.has('main')).toBe(true);
});
