import { createPostgresCluster, type PostgresCluster } from '@tenantry/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createTenantSchemaOrm, provisionTenantSchema, roleNameFor, schemaNameFor, type TenantSchemaInput, type TenantSchemaOrm } from '../../index.ts';
import { TenantTestDatabase } from '../../__tests__/helpers/tenant-test-database.ts';
import { NOT_LOADED_REASON, readTenantUsage, readUsageByTenant } from '../index.ts';

function tenantInput(name: string): TenantSchemaInput {
  return {
    id: uuidv7(),
    name,
    rut: null,
    giro: 'Venta de software',
    address: 'Av. Providencia 1234',
    commune: 'Providencia',
    city: 'Santiago',
    economic_activities: [],
    version: 1,
  } as TenantSchemaInput;
}

async function connect(url: string, user?: string): Promise<pg.Client> {
  const target = new URL(url);
  if (user) target.username = user;
  const client = new pg.Client({ connectionString: target.toString() });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

// pg_stat_statements needs shared_preload_libraries, which only a server start reads: this suite
// runs on a PostgreSQL cluster of its own that loads it (the shared server on 5432 does not).
describe('readTenantUsage / readUsageByTenant on a server that loads pg_stat_statements', () => {
  let cluster: PostgresCluster;
  let url: string;
  let orm: TenantSchemaOrm;
  const a = tenantInput('Tenant A Ltda');
  const b = tenantInput('Tenant B Ltda');

  beforeAll(async () => {
    cluster = await createPostgresCluster({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
    const admin = await connect(cluster.adminUrl);
    await admin.query('create database tenantry_usage');
    await admin.end();
    url = cluster.adminUrl.replace(/\/postgres$/, '/tenantry_usage');
    orm = await createTenantSchemaOrm({ databaseUrl: url });
    await provisionTenantSchema(orm, a);
    await provisionTenantSchema(orm, b);
  }, 180_000);

  afterAll(async () => {
    await orm?.close(true);
    await cluster?.release();
  });

  it("counts statements run as tenant A's role in A's usage, not in B's", async () => {
    const before = await readTenantUsage(orm, a.id);
    expect(before).toMatchObject({ available: true, reason: null });

    const asA = await connect(url, roleNameFor(a.id));
    const schema = schemaNameFor(a.id);
    for (let i = 0; i < 7; i++) await asA.query(`select count(*) from "${schema}".locations`);
    await asA.query(`insert into "${schema}".customers (name) select 'Cliente ' || g from generate_series(1, 25) g`);
    await asA.end();

    const usageA = await readTenantUsage(orm, a.id);
    const usageB = await readTenantUsage(orm, b.id);
    expect(usageA.statements!.calls - before.statements!.calls).toBeGreaterThanOrEqual(8);
    expect(usageA.statements!.rows - before.statements!.rows).toBeGreaterThanOrEqual(7 + 25);
    expect(usageA.statements!.totalExecTimeMs).toBeGreaterThan(0);
    expect(usageB).toMatchObject({ available: true, statements: { calls: 0, rows: 0, totalExecTimeMs: 0 } });
    expect(usageA.tableBytes).toBeGreaterThan(0);
    expect(usageA.indexBytes).toBeGreaterThan(0);

    const top = await readUsageByTenant(orm, { order: 'calls', limit: 10 });
    expect(top.available).toBe(true);
    expect(top.tenants.map((tenant) => tenant.tenantId)).toEqual([a.id]); // B ran nothing as its role
    expect(top.tenants[0].calls).toBe(usageA.statements!.calls);
  });
});

describe('readTenantUsage on a server without pg_stat_statements', () => {
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm;

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    orm = await db.orm();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('answers available: false with the reason, and still the schema bytes', async () => {
    const loaded = await db.query<{ libs: string }>(`select current_setting('shared_preload_libraries') as libs`);
    expect(loaded[0].libs).not.toContain('pg_stat_statements'); // the shared server of this machine
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant);

    const usage = await readTenantUsage(orm, tenant.id);

    expect(usage).toMatchObject({ available: false, reason: NOT_LOADED_REASON, statements: null });
    expect(usage.tableBytes).toBeGreaterThan(0);
    expect(await readUsageByTenant(orm, { order: 'exec_time', limit: 5 })).toEqual({ available: false, reason: NOT_LOADED_REASON, tenants: [] });
  });
});
