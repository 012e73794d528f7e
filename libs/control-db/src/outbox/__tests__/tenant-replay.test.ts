import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { readTenantReplay, schemaExists } from '../tenant-replay.ts';

let db: TestDatabase;
let client: pg.Client;
const tenantId = '0192f3a0-0000-7000-8000-000000000001';

beforeAll(async () => {
  db = await createTestDatabase('tenantry_tenant_replay');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('create schema control');
  await client.query('create table control.tenants (id uuid primary key, schema_name text not null, schema_version text)');
  await client.query(`create table control.tenant_events (seq bigserial primary key, tenant_id uuid not null, tenant_version int not null,
    event jsonb not null, published_at timestamptz)`);
  await client.query("insert into control.tenants values ($1, 'tenant_0192f3a0000070008000000000000001', 'M2')", [tenantId]);
  // Versions 1..3 published (inserted out of order), 4 still in the outbox.
  for (const [version, published] of [[2, true], [1, true], [3, true], [4, false]] as const) {
    await client.query('insert into control.tenant_events (tenant_id, tenant_version, event, published_at) values ($1, $2, $3, $4)', [
      tenantId,
      version,
      { id: `event-${version}`, tenantversion: version },
      published ? new Date() : null,
    ]);
  }
});

afterAll(async () => {
  await client.end();
  await db.drop();
});

it("reads a tenant's published events from a version in version order, and counts what the outbox still holds", async () => {
  const source = await readTenantReplay(client, 'control', tenantId, 2);
  expect(source).toEqual({
    schemaName: 'tenant_0192f3a0000070008000000000000001',
    schemaVersion: 'M2',
    events: [
      { id: 'event-2', tenantversion: 2 },
      { id: 'event-3', tenantversion: 3 },
    ],
    pendingInOutbox: 1,
  });
});

it('is null for a tenant the control schema does not know', async () => {
  expect(await readTenantReplay(client, 'control', '0192f3a0-0000-7000-8000-00000000ffff', 1)).toBeNull();
});

it('tells whether the control database has a schema', async () => {
  expect(await schemaExists(client, 'control')).toBe(true);
  expect(await schemaExists(client, 'tenant_0192f3a0000070008000000000000001')).toBe(false);
});
