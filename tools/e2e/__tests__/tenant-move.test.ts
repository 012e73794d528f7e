import { registerTenantDatabase, setTenantDatabaseStatus } from '@tenantry/control-db';
import { startTenantWriter } from '@tenantry/tenant-moves/testing';
import { movedSchemaNameFor, roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { createPostgresCluster, createTestDatabase, waitFor, type PostgresCluster, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { startStack, type Stack } from '../stack.ts';

// A tenant with 50,000 invoices moves between two servers of the suite's own (wal_level=logical)
// through the API, while a writer keeps inserting invoices as the tenant's role, reconnecting to
// wherever the control schema places the tenant when it is refused. The three services run as
// processes; the provisioner runs the move.
const ROWS = 50_000;
let stack: Stack;
const clusters: PostgresCluster[] = [];
const databases = new Map<string, TestDatabase>();
let control: pg.Pool;

beforeAll(async () => {
  stack = await startStack();
  control = new pg.Pool({ connectionString: stack.db.url, max: 2 });
  for (const name of ['a', 'b']) {
    const cluster = await createPostgresCluster({ settings: { wal_level: 'logical' } });
    clusters.push(cluster);
    const db = await createTestDatabase(`tenantry_move_${name}`, cluster.adminUrl);
    databases.set(name, db);
    await registerTenantDatabase(control, 'control', { name, url: db.url });
  }
}, 180_000);

afterAll(async () => {
  await control?.end();
  await stack?.stop();
  for (const cluster of clusters) await cluster.release().catch(() => undefined);
}, 120_000);

const placementOf = async (id: string) =>
  (await stack.query<{ database: string }>('select database from control.tenants where id = $1', [id]))[0].database;

async function tenantOnA(token: string): Promise<string> {
  await setTenantDatabaseStatus(control, 'control', 'main', 'draining');
  await setTenantDatabaseStatus(control, 'control', 'b', 'draining');
  const created = await stack.request('POST', '/v1/tenants', { name: 'Mudanzas Andes SpA', address: 'Av. Matta 1', commune: 'Santiago', city: 'Santiago' }, token);
  expect(created.status).toBe(201);
  expect(created.body.database).toBe('a');
  await setTenantDatabaseStatus(control, 'control', 'b', 'open');
  const id = created.body.id as string;
  await waitFor('tenant active', async () => (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body.status === 'active', { timeoutMs: 60_000 });
  return id;
}

it('moves a tenant under write load: every acknowledged row is on the target, none on a live source, dte-sync follows', async () => {
  const token = await stack.token();
  const id = await tenantOnA(token);
  const schema = schemaNameFor(id);
  const a = new pg.Client({ connectionString: databases.get('a')!.url });
  const b = new pg.Client({ connectionString: databases.get('b')!.url });
  await Promise.all([a.connect(), b.connect()]);
  try {
    await a.query(`insert into ${schema}.invoices (document_type, folio) select 33, g from generate_series(1, $1) g`, [ROWS]);
    const writer = startTenantWriter({ tenantId: id, placementOf: () => placementOf(id), urlOf: (name) => databases.get(name)!.url });
    await waitFor('writer going', async () => writer.acknowledged.length > 20, { timeoutMs: 30_000 });

    const moved = await stack.request('POST', `/v1/tenants/${id}/move`, { database: 'b' }, token);
    expect(moved.status).toBe(202);
    const after = await waitFor('tenant on b, move finished', async () => {
      const tenant = (await stack.request('GET', `/v1/tenants/${id}`, undefined, token)).body;
      return tenant.database === 'b' && tenant.move === null ? tenant : undefined;
    }, { timeoutMs: 180_000, intervalMs: 200 });
    await waitFor('writer writing on b', async () => writer.acknowledged.some((row) => row.database === 'b'), { timeoutMs: 30_000 });
    await writer.stop();
    console.log(`tenant move under load: ${writer.acknowledged.length} rows acknowledged, longest write pause ${writer.longestPauseMs()} ms`);

    const onTarget = new Set((await b.query(`select folio from ${schema}.invoices`)).rows.map((row) => Number(row.folio)));
    expect(onTarget.size).toBe(ROWS + writer.acknowledged.length);
    expect(writer.acknowledged.filter((row) => !onTarget.has(row.folio))).toEqual([]);
    // The source serves nothing: its schema is renamed, and no write acknowledged on b reached it.
    expect((await a.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount).toBe(0);
    const onOldSource = new Set((await a.query(`select folio from ${movedSchemaNameFor(id)}.invoices`)).rows.map((row) => Number(row.folio)));
    expect(writer.acknowledged.filter((row) => row.database === 'b' && onOldSource.has(row.folio))).toEqual([]);
    expect((await b.query('select rolcanlogin from pg_roles where rolname = $1', [roleNameFor(id)])).rows[0].rolcanlogin).toBe(true);

    const patched = await stack.request('PATCH', `/v1/tenants/${id}`, { address: 'Av. Nueva 2' }, token);
    expect(patched.status).toBe(200);
    await waitFor('issuer on b follows', async () => (await b.query(`select address from ${schema}.issuer`)).rows[0]?.address === 'Av. Nueva 2', { timeoutMs: 30_000 });
    expect(after.version).toBeGreaterThan(2);
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}, 400_000);
