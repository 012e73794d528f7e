import pg from 'pg';
import { registerTenantDatabase } from '@tenantry/control-db';
import { createTenantSchemaOrm, provisionTenantSchema, roleNameFor, schemaNameFor, NOT_LOADED_REASON, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { createPostgresCluster, promtoolCheckMetrics, type PostgresCluster } from '@tenantry/testing';
import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

// Per-tenant usage (SPEC §3 statistics and GET /v1/usage). The suite's control database is on the
// shared server, which does not load pg_stat_statements; tenants A and B live on a tenant database
// `second` on a cluster of the suite's own that does. Each answer reads the tenant's own server.
let t: TestApp;
let cluster: PostgresCluster;
let secondUrl: string;
let secondOrm: TenantSchemaOrm;
let mainOrm: TenantSchemaOrm;
const ids: Record<'a' | 'b' | 'onMain', string> = { a: '', b: '', onMain: '' };

async function connect(url: string, user?: string): Promise<pg.Client> {
  const target = new URL(url);
  if (user) target.username = user;
  const client = new pg.Client({ connectionString: target.toString() });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function createAndProvision(name: string, database: string, orm: TenantSchemaOrm): Promise<string> {
  const created = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name, database } });
  expect(created.statusCode).toBe(201);
  await provisionTenantSchema(orm, created.json()); // what the provisioner does, on the tenant's database
  return created.json().id;
}

beforeAll(async () => {
  t = await createTestApp();
  cluster = await createPostgresCluster({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
  const admin = await connect(cluster.adminUrl);
  await admin.query('create database tenantry_usage_second');
  await admin.end();
  secondUrl = cluster.adminUrl.replace(/\/postgres$/, '/tenantry_usage_second');
  const control = await connect(t.db.url);
  await registerTenantDatabase(control, 'control', { name: 'second', url: secondUrl });
  await control.end();
  secondOrm = await createTenantSchemaOrm({ databaseUrl: secondUrl });
  mainOrm = await createTenantSchemaOrm({ databaseUrl: t.db.url });
  ids.a = await createAndProvision('Usage Tenant A SpA', 'second', secondOrm);
  ids.b = await createAndProvision('Usage Tenant B SpA', 'second', secondOrm);
  ids.onMain = await createAndProvision('Usage Tenant Main SpA', 'main', mainOrm);

  // Work done as tenant A's own role, on its database.
  const asA = await connect(secondUrl, roleNameFor(ids.a));
  for (let i = 0; i < 6; i++) await asA.query(`select * from "${schemaNameFor(ids.a)}".locations`);
  await asA.query(`insert into "${schemaNameFor(ids.a)}".customers (name) select 'Cliente ' || g from generate_series(1, 40) g`);
  await asA.end();
}, 180_000);

afterAll(async () => {
  await secondOrm?.close(true);
  await mainOrm?.close(true);
  await t?.close();
  await cluster?.release();
  // Roles are cluster-wide: the main-server tenant's role goes with the suite.
  const admin = await connect(t.db.url.replace(/\/[^/]+$/, '/postgres'));
  await admin.query(`drop role if exists "${roleNameFor(ids.onMain)}"`);
  await admin.end();
});

const statistics = (id: string) => t.app.inject({ method: 'GET', url: `/v1/tenants/${id}/statistics`, headers: bearer(t.superToken) });

it("GET /statistics: usage counts the statements run as the tenant's role on its own server, not another tenant's", async () => {
  const a = await statistics(ids.a);
  const b = await statistics(ids.b);
  expect(a.statusCode).toBe(200);
  expect(a.json().usage).toMatchObject({ available: true, reason: null });
  expect(a.json().usage.calls).toBeGreaterThanOrEqual(7);
  expect(a.json().usage.rows).toBeGreaterThanOrEqual(40);
  expect(a.json().usage.total_exec_time_ms).toBeGreaterThan(0);
  expect(a.json().usage.table_bytes).toBeGreaterThan(0);
  expect(a.json().usage.index_bytes).toBeGreaterThan(0);
  expect(b.json().usage).toMatchObject({ available: true, reason: null, calls: 0, rows: 0, total_exec_time_ms: 0 });
});

it('GET /statistics on a server without pg_stat_statements answers 200 with available: false and the reason', async () => {
  const response = await statistics(ids.onMain);
  expect(response.statusCode).toBe(200);
  expect(response.json().usage).toEqual({
    available: false,
    reason: NOT_LOADED_REASON,
    calls: null,
    total_exec_time_ms: null,
    rows: null,
    table_bytes: expect.any(Number),
    index_bytes: expect.any(Number),
  });
  expect(response.json().usage.table_bytes).toBeGreaterThan(0);
});

it('GET /v1/usage: the top tenants over every tenant database, each database saying whether it could tell', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/v1/usage?order=calls&limit=5', headers: bearer(t.superToken) });
  expect(response.statusCode).toBe(200);
  const body = response.json();
  expect(body.order).toBe('calls');
  expect(body.databases).toEqual(
    expect.arrayContaining([
      { name: 'main', available: false, reason: NOT_LOADED_REASON },
      { name: 'second', available: true, reason: null },
    ]),
  );
  expect(body.data[0]).toMatchObject({ tenant_id: ids.a, name: 'Usage Tenant A SpA', database: 'second' });
  expect(body.data[0].calls).toBeGreaterThanOrEqual(7);
  expect(body.data[0].table_bytes).toBeGreaterThan(0);
  expect(body.data.map((row: { tenant_id: string }) => row.tenant_id)).not.toContain(ids.b); // B ran nothing as its role
});

it('GET /v1/usage is for superusers; an unknown order is a 400', async () => {
  const plain = await t.tokenFor('usage-plain@tenantry.test');
  expectProblem(await t.app.inject({ method: 'GET', url: '/v1/usage', headers: bearer(plain.token) }), 403);
  expectProblem(await t.app.inject({ method: 'GET', url: '/v1/usage?order=bytes', headers: bearer(t.superToken) }), 400);
  expectProblem(await t.app.inject({ method: 'GET', url: '/v1/usage?limit=0', headers: bearer(t.superToken) }), 400);
});

it('GET /metrics: the top tenants as gauges labelled by tenant id, in a text promtool accepts', async () => {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  expect(text).toMatch(new RegExp(`^tenantry_tenant_statement_calls\\{tenant_id="${ids.a}"\\} \\d+$`, 'm'));
  expect(text).toMatch(new RegExp(`^tenantry_tenant_statement_exec_time_seconds\\{tenant_id="${ids.a}"\\} `, 'm'));
  expect(text).toMatch(/^tenantry_tenants\{status="pending_setup"\} 3$/m);
  expect(text).toMatch(/^tenantry_database_pool_connections\{database="control",state="in_use"\} \d+$/m);
  expect(await promtoolCheckMetrics(text)).toBe('');
});
