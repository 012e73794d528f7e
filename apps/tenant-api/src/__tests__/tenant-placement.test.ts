import pg from 'pg';
import { registerTenantDatabase, setTenantDatabaseStatus } from '@tenantry/control-db';
import { bearer, expectProblem, rowCounts } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

// POST /v1/tenants places the tenant (a superuser may name the database), the snapshot carries
// `database` and `move`, and lists and counts filter by `database`.
let t: TestApp;
let client: pg.Client;
const SCHEMA = 'control';
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  await registerTenantDatabase(client, SCHEMA, { name: 'second', url: 'postgres://tenantry:s3cret@127.0.0.1:1/second' });
});
afterAll(async () => {
  await client?.end();
  await t?.close();
});

function post(payload: object, token = t.superToken) {
  seq += 1;
  return t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(token), payload: { name: `Placement Tenant ${seq}`, ...payload } });
}

it('places a new tenant, answers database and move, and honours a superuser named database', async () => {
  const first = await post({});
  expect(first.statusCode).toBe(201);
  expect(first.json()).toMatchObject({ database: 'main', move: null });
  const second = await post({});
  expect(second.json().database).toBe('second');
  const named = await post({ database: 'second' });
  expect(named.statusCode).toBe(201);
  expect(named.json().database).toBe('second');

  const read = await t.app.inject({ method: 'GET', url: `/v1/tenants/${named.json().id}`, headers: bearer(t.superToken) });
  expect(read.json()).toMatchObject({ database: 'second', move: null });
});

it('refuses a named database to a non-superuser (403) and an unknown, invalid or draining one (422), writing nothing', async () => {
  const { token } = await t.tokenFor('creator@example.com', { permissions: ['CREATE_TENANT'] });
  const before = await rowCounts(t.orm);
  expect(expectProblem(await post({ database: 'second' }, token), 403).detail).toMatch(/superuser/);

  const unknown = expectProblem(await post({ database: 'nowhere' }), 422);
  expect(unknown.errors).toEqual({ database: [expect.stringMatching(/no tenant database named "nowhere"/)] });
  expect(expectProblem(await post({ database: 'Bad Name' }), 422).errors).toHaveProperty('database');

  await setTenantDatabaseStatus(client, SCHEMA, 'second', 'draining');
  const draining = expectProblem(await post({ database: 'second' }), 422);
  expect(draining.errors).toEqual({ database: [expect.stringMatching(/"second" is draining/)] });
  expect(await rowCounts(t.orm)).toEqual(before);

  // Nothing open at all: the server cannot place anyone until an operator opens a database.
  await setTenantDatabaseStatus(client, SCHEMA, 'main', 'draining');
  const none = await post({});
  expect(none.statusCode).toBe(503);
  expect(none.json().detail).toMatch(/No tenant database is open/);
  expect(await rowCounts(t.orm)).toEqual(before);
  await setTenantDatabaseStatus(client, SCHEMA, 'main', 'open');
  await setTenantDatabaseStatus(client, SCHEMA, 'second', 'open');
  // The creator (CREATE_TENANT, no superuser) gets placed like anyone else.
  expect((await post({}, token)).statusCode).toBe(201);
});

it('filters GET /v1/tenants and /count by database, and rejects an invalid name as a bad query', async () => {
  const { rows } = await client.query<{ database: string; n: number }>(`select database, count(*)::int as n from ${SCHEMA}.tenants group by database`);
  expect(rows.length).toBe(2);
  for (const { database, n } of rows) {
    const list = await t.app.inject({ method: 'GET', url: `/v1/tenants?database=${database}&limit=100`, headers: bearer(t.superToken) });
    expect(list.json().data.map((tenant: { database: string }) => tenant.database)).toEqual(Array(n).fill(database));
    const count = await t.app.inject({ method: 'GET', url: `/v1/tenants/count?database=${database}`, headers: bearer(t.superToken) });
    expect(count.json()).toEqual({ count: n });
  }
  const none = await t.app.inject({ method: 'GET', url: '/v1/tenants/count?database=nowhere', headers: bearer(t.superToken) });
  expect(none.json()).toEqual({ count: 0 });
  expectProblem(await t.app.inject({ method: 'GET', url: '/v1/tenants?database=Bad%20Name', headers: bearer(t.superToken) }), 400);
});

it('shows a move in progress in GET and the list', async () => {
  const tenant = (await post({ database: 'main' })).json();
  await client.query(
    `insert into ${SCHEMA}.tenant_moves (tenant_id, from_database, to_database, mode, state, requested_at)
     values ($1, 'main', 'second', 'logical', 'caught-up', '2026-12-02T10:00:00Z')`,
    [tenant.id],
  );
  const move = { to: 'second', state: 'caught-up', started_at: '2026-12-02T10:00:00.000Z' };
  const read = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenant.id}`, headers: bearer(t.superToken) });
  expect(read.json()).toMatchObject({ database: 'main', move, version: 1 });
  const list = await t.app.inject({ method: 'GET', url: '/v1/tenants?limit=1', headers: bearer(t.superToken) });
  expect(list.json().data[0]).toMatchObject({ id: tenant.id, move });
});
