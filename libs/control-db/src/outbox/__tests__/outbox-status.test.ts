import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { outboxStatus, readOutboxOverview, tryAcquireRelayLock } from '../relay-queries.ts';

// Advisory locks are scoped to a database: a relay holding the lock in another database (another
// stack on the same server) is not this database's relay.
const dbs: TestDatabase[] = [];
const clients: pg.Client[] = [];

async function database() {
  const db = await createTestDatabase('tenantry_outbox_status');
  dbs.push(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  clients.push(client);
  await client.query('create schema control');
  await client.query('create table control.tenant_events (created_at timestamptz not null default now(), published_at timestamptz)');
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  await Promise.all(dbs.map((db) => db.drop()));
});

it('reports the relay holder of this database only', async () => {
  const a = await database();
  const b = await database();
  await a.query('insert into control.tenant_events default values');
  expect(await tryAcquireRelayLock(a, 'control')).toBe(true);
  const inA = await outboxStatus(a, 'control');
  expect(inA.pending).toBe(1);
  expect(inA.relayHolderPid).toEqual(expect.any(Number));
  expect((await outboxStatus(b, 'control')).relayHolderPid).toBeNull();
  expect(await tryAcquireRelayLock(b, 'control')).toBe(true);
});

it('gives the operator the whole log size and the session that holds the relay lock', async () => {
  const a = await database();
  const b = await database();
  await a.query("set application_name = 'relay-under-test'");
  await a.query('insert into control.tenant_events (published_at) values (now()), (now()), (null)');
  expect(await tryAcquireRelayLock(a, 'control')).toBe(true);
  const overview = await readOutboxOverview(a, 'control');
  expect(overview).toMatchObject({ pending: 1, totalEvents: 3 });
  expect(overview.relayHolder).toMatchObject({ applicationName: 'relay-under-test', backendStart: expect.any(Date) });
  expect(await readOutboxOverview(b, 'control')).toMatchObject({ pending: 0, totalEvents: 0, relayHolderPid: null, relayHolder: null });
});
