import { registerTenantDatabase } from '@tenantry/control-db';
import { LATEST_TENANT_MIGRATION } from '@tenantry/tenant-migrations';
import { bounded, createPostgresCluster, type PostgresCluster } from '@tenantry/testing';
import pg from 'pg';
import {
  createTenantSchemaOrm,
  dropTenantSchema,
  provisionTenantSchema,
  schemaNameFor,
  type FleetMigrateReportAcrossDatabases,
  type FleetStatusAcrossDatabases,
  type TenantSchemaOrm,
} from '../index.ts';
import { FIXTURE_MIGRATIONS, THIRD_FIXTURE_MIGRATIONS, runCli } from './helpers/fleet-cli.ts';
import { createFleet, type Fleet } from './helpers/fleet-fixture.ts';
import { SECOND_MIGRATION } from './helpers/fleet-migrations.ts';
import { THIRD_MIGRATION } from './helpers/fleet-migrations-third.ts';

/** Tenants per database: one more than the canary, so every database has a canary and a main wave. */
const PER_DATABASE = 6;

interface TenantDatabase {
  name: string;
  cluster: PostgresCluster;
  url: string;
  orm: TenantSchemaOrm;
  ids: string[];
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function queryOn<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  return withClient(url, async (client) => (await client.query<R>(sql, params)).rows);
}

/** Per tenant schema of the database: how many times it recorded `migration` (1 = once; 2 would be a double apply). */
async function schemasWith(url: string, migration: string): Promise<Map<string, number>> {
  const rows = await queryOn<{ schema_name: string; n: number }>(
    url,
    `select nspname as schema_name,
            (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.mikro_orm_migrations where name = %L', nspname, $1::text), false, true, '')))[1]::text::int as n
       from pg_namespace where nspname ~ '^tenant_[0-9a-f]{32}$'`,
    [migration],
  );
  return new Map(rows.map((row) => [row.schema_name, row.n]));
}

describe('migrate status and up across three tenant databases', () => {
  let fleet: Fleet;
  const databases: TenantDatabase[] = [];
  const byName = (name: string) => databases.find((d) => d.name === name)!;

  beforeAll(async () => {
    fleet = await createFleet(PER_DATABASE);
    const mainIds = [...fleet.tenantIds];
    // Two more servers, each with a tenant database registered in the control schema.
    const clusters = await Promise.all([createPostgresCluster(), createPostgresCluster()]);
    for (const [name, cluster] of [['east', clusters[0]], ['west', clusters[1]]] as const) {
      await queryOn(cluster.adminUrl, 'create database tenantry_fleet');
      const url = cluster.adminUrl.replace(/\/postgres$/, '/tenantry_fleet');
      await withClient(fleet.db.url, (control) => registerTenantDatabase(control, 'control', { name, url }));
      const orm = await createTenantSchemaOrm({ databaseUrl: url, poolMax: 4 });
      databases.push({ name, cluster, url, orm, ids: await fleet.provision(PER_DATABASE, { orm, database: name }) });
    }
    databases.push({ name: 'main', cluster: undefined as never, url: fleet.db.url, orm: fleet.tenants, ids: mainIds });
  }, 240_000);

  afterAll(async () => {
    await bounded('closing the tenant database pools', 10_000, Promise.allSettled(databases.filter((d) => d.name !== 'main').map((d) => d.orm.close(true))));
    await Promise.all(databases.filter((d) => d.name !== 'main').map((d) => bounded(`releasing cluster ${d.cluster.cluster}`, 30_000, d.cluster.release())));
    await fleet?.close();
  }, 90_000);

  it('status: a section per database, every schema one migration behind, no drift', async () => {
    const run = await runCli(['migrate', 'status', '--json', '--migrations-module', FIXTURE_MIGRATIONS], fleet.db.url);
    expect(run.code).toBe(3);
    const status = JSON.parse(run.stdout) as FleetStatusAcrossDatabases;
    expect(status.databases.map((d) => [d.database, d.tenants, d.error, d.summary?.pendingSchemas, d.summary?.drift])).toEqual([
      ['east', PER_DATABASE, null, PER_DATABASE, 0],
      ['main', PER_DATABASE, null, PER_DATABASE, 0],
      ['west', PER_DATABASE, null, PER_DATABASE, 0],
    ]);
    expect(status.summary).toMatchObject({ tenants: 3 * PER_DATABASE, schemas: 3 * PER_DATABASE, pendingSchemas: 3 * PER_DATABASE, drift: 0 });
    for (const d of databases) {
      expect(status.schemas.filter((s) => s.database === d.name).map((s) => s.tenantId).sort()).toEqual([...d.ids].sort());
    }

    const human = await runCli(['migrate', 'status', '--migrations-module', FIXTURE_MIGRATIONS], fleet.db.url);
    expect(human.code).toBe(3);
    for (const name of ['east', 'main', 'west']) expect(human.stdout).toContain(`== ${name} ==\n`);
    expect(human.stdout).toContain(`== total: 3 database(s) ==\n${3 * PER_DATABASE} tenants, ${3 * PER_DATABASE} schemas: 0 up to date, ${3 * PER_DATABASE} with pending migrations`);
  }, 120_000);

  it('up: a new tenant migration reaches every schema on every database, and the ledger follows', async () => {
    const run = await runCli(['migrate', 'up', '--json', '--migrations-module', FIXTURE_MIGRATIONS], fleet.db.url);
    expect(run.stderr).not.toMatch(/tenantry:/);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as FleetMigrateReportAcrossDatabases;
    expect(report.summary).toEqual({ selected: 3 * PER_DATABASE, ok: 3 * PER_DATABASE, failed: 0, skipped: 0, upToDate: 0, retryLater: 0 });
    expect(report.databases.map((d) => [d.database, d.error, d.summary.ok])).toEqual([
      ['east', null, PER_DATABASE],
      ['main', null, PER_DATABASE],
      ['west', null, PER_DATABASE],
    ]);
    for (const d of databases) {
      const records = await schemasWith(d.url, SECOND_MIGRATION);
      expect([...records.keys()].sort()).toEqual(d.ids.map(schemaNameFor).sort());
      expect([...records.values()].every((n) => n === 1)).toBe(true);
      expect(report.results.filter((r) => r.database === d.name).map((r) => [r.tenantId, r.applied, r.ledgerUpdated])).toEqual(
        expect.arrayContaining(d.ids.map((id) => [id, [SECOND_MIGRATION], true])),
      );
    }
    const ledger = await fleet.query<{ database: string; schema_version: string; n: number }>(
      'select database, schema_version, count(*)::int as n from control.tenants group by 1, 2 order by 1',
    );
    expect(ledger).toEqual(['east', 'main', 'west'].map((database) => ({ database, schema_version: SECOND_MIGRATION, n: PER_DATABASE })));
  }, 120_000);

  it('with one database stopped, the others complete and the report names the failed database', async () => {
    const west = byName('west');
    await west.cluster.stop();

    const run = await runCli(['migrate', 'up', '--json', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as FleetMigrateReportAcrossDatabases;
    const westSection = report.databases.find((d) => d.database === 'west')!;
    expect(westSection.error).toMatchObject({ code: 'TNT_ERR_DATABASE_UNREACHABLE', message: expect.stringContaining('database west is unreachable'), retryLater: true });
    expect(report.summary).toMatchObject({ selected: 3 * PER_DATABASE, ok: 2 * PER_DATABASE, failed: PER_DATABASE, retryLater: PER_DATABASE });
    for (const result of report.results) {
      if (result.database === 'west') expect(result).toMatchObject({ outcome: 'failed', error: { code: 'TNT_ERR_DATABASE_UNREACHABLE' }, applied: [] });
      else expect(result).toMatchObject({ outcome: 'ok', applied: [THIRD_MIGRATION], ledgerUpdated: true });
    }
    for (const name of ['east', 'main']) {
      expect([...(await schemasWith(byName(name).url, THIRD_MIGRATION)).values()]).toEqual(Array(PER_DATABASE).fill(1));
    }

    // Run again while it is still down: the others are up to date, the stopped one fails again; the
    // human report says which database failed and why, and status cannot read it either.
    const again = await runCli(['migrate', 'up', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^west: FAILED \(TNT_ERR_DATABASE_UNREACHABLE\) database west is unreachable: .*; its 6 schema\(s\) not attempted$/m);
    expect(again.stdout).toMatch(/^main: 6 tenants: 0 migrated, 0 failed, 6 skipped \(6 already up to date\)/m);
    expect(again.stdout).toContain('total over 3 database(s) (1 failed)');
    const status = await runCli(['migrate', 'status', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('== west: NOT READ ==\nTNT_ERR_DATABASE_UNREACHABLE: database west is unreachable');
    expect(status.stdout).toContain('== total: 3 database(s), 1 could not be read ==');
  }, 180_000);

  it('after the database is back, a re-run completes it and applies nothing twice', async () => {
    const west = byName('west');
    await west.cluster.start();

    const run = await runCli(['migrate', 'up', '--json', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as FleetMigrateReportAcrossDatabases;
    expect(report.databases.every((d) => d.error === null)).toBe(true);
    expect(report.results.filter((r) => r.outcome === 'ok').map((r) => r.tenantId).sort()).toEqual([...west.ids].sort());
    expect(report.summary).toMatchObject({ ok: PER_DATABASE, failed: 0, upToDate: 2 * PER_DATABASE });
    for (const d of databases) {
      expect([...(await schemasWith(d.url, THIRD_MIGRATION)).values()]).toEqual(Array(PER_DATABASE).fill(1));
    }
    const ledger = await fleet.query<{ schema_version: string; n: number }>('select schema_version, count(*)::int as n from control.tenants group by 1');
    expect(ledger).toEqual([{ schema_version: THIRD_MIGRATION, n: 3 * PER_DATABASE }]);

    const status = await runCli(['migrate', 'status', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(status.code).toBe(0);
  }, 180_000);

  it('drift per database: a schema on the wrong database, a schema missing from its database; --database narrows to one', async () => {
    const east = byName('east');
    const west = byName('west');
    // An east tenant's schema also built on west (e.g. a restore to the wrong server), and another
    // east tenant's schema dropped.
    const strayId = east.ids[0];
    const goneId = east.ids[1];
    await provisionTenantSchema(west.orm, { id: strayId, name: 'Stray copy', rut: null, giro: null, address: null, commune: null, city: null, economic_activities: [], version: 1 });
    await dropTenantSchema(east.orm, goneId);

    const run = await runCli(['migrate', 'status', '--json', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(run.code).toBe(1);
    const status = JSON.parse(run.stdout) as FleetStatusAcrossDatabases;
    const section = (name: string) => status.databases.find((d) => d.database === name)!.summary!;
    expect(section('west').driftByKind).toMatchObject({ 'wrong-database': 1, 'schema-missing': 0, 'orphan-schema': 0 });
    expect(section('east').driftByKind).toMatchObject({ 'wrong-database': 0, 'schema-missing': 1 });
    expect(section('main').drift).toBe(0);
    expect(status.schemas.find((s) => s.database === 'west' && s.tenantId === strayId)).toMatchObject({ state: 'misplaced', ledgerDatabase: 'east', drift: ['wrong-database'] });
    expect(status.schemas.find((s) => s.database === 'east' && s.tenantId === goneId)).toMatchObject({ state: 'missing', drift: ['schema-missing'] });
    expect(status.schemas.find((s) => s.database === 'east' && s.tenantId === strayId)).toMatchObject({ state: 'up-to-date', drift: [] });

    const onlyWest = await runCli(['migrate', 'status', '--database', 'west', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(onlyWest.code).toBe(1);
    expect(onlyWest.stdout).toContain('== west ==');
    expect(onlyWest.stdout).not.toContain('== east ==');
    expect(onlyWest.stdout).toContain(`misplaced (placed on east)`);

    // migrate up leaves the stray copy alone (it is not west's tenant): it keeps the shipped migrations only.
    const up = await runCli(['migrate', 'up', '--json', '--database', 'west', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(up.code).toBe(0);
    const report = JSON.parse(up.stdout) as FleetMigrateReportAcrossDatabases;
    expect(report.databases.map((d) => d.database)).toEqual(['west']);
    expect(report.results.map((r) => r.tenantId)).not.toContain(strayId);
    const stray = await queryOn<{ name: string }>(west.url, `select name from ${schemaNameFor(strayId)}.mikro_orm_migrations order by id`);
    expect(stray.map((row) => row.name)).toEqual([LATEST_TENANT_MIGRATION]);

    const unknown = await runCli(['migrate', 'up', '--database', 'north', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('tenantry: --database "north" is not a registered tenant database (registered: east, main, west).');
  }, 180_000);

  it('a tenant being moved: its schema on the target is moving, not drift, and migrate up leaves the tenant to the move', async () => {
    const east = byName('east');
    const movingId = byName('main').ids[0];
    // The move engine's target schema (built with the shipped migrations only) and the open move.
    await provisionTenantSchema(east.orm, { id: movingId, name: 'Moving tenant', rut: null, giro: null, address: null, commune: null, city: null, economic_activities: [], version: 1 });
    await fleet.query(`insert into control.tenant_moves (tenant_id, from_database, to_database, mode, state) values ($1, 'main', 'east', 'logical', 'subscribed')`, [movingId]);

    const run = await runCli(['migrate', 'status', '--json', '--database', 'east', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    const status = JSON.parse(run.stdout) as FleetStatusAcrossDatabases;
    expect(status.schemas.find((s) => s.tenantId === movingId)).toMatchObject({ database: 'east', state: 'moving', ledgerDatabase: 'main', moveTo: 'east', pending: [], drift: [] });
    expect(status.summary.driftByKind['wrong-database']).toBe(0);

    // Its source schema gets a pending migration; migrate up skips the tenant while the move is open.
    await queryOn(fleet.db.url, `delete from ${schemaNameFor(movingId)}.mikro_orm_migrations where name = $1`, [THIRD_MIGRATION]);
    await queryOn(fleet.db.url, `alter table ${schemaNameFor(movingId)}.products drop column barcode`);
    const up = await runCli(['migrate', 'up', '--json', '--database', 'main', '--migrations-module', THIRD_FIXTURE_MIGRATIONS], fleet.db.url);
    expect(up.code).toBe(0);
    const report = JSON.parse(up.stdout) as FleetMigrateReportAcrossDatabases;
    expect(report.results.find((r) => r.tenantId === movingId)).toMatchObject({ database: 'main', outcome: 'skipped', reason: 'moving', applied: [] });
    expect((await schemasWith(fleet.db.url, THIRD_MIGRATION)).get(schemaNameFor(movingId))).toBe(0);
  }, 120_000);
});
