import { Migration } from '@mikro-orm/migrations';
import { LATEST_TENANT_MIGRATION, type TenantMigration } from '@tenantry/tenant-migrations';
import { createFleetOrm } from '../fleet/fleet-orm.ts';
import { NEEDS_ORM, PgSchemaMigrator } from '../fleet/pg-schema-migrator.ts';
import { migrateFleet, migrateTenantSchema, schemaNameFor, type TenantMigrateResult } from '../index.ts';
import { createFleet, type Fleet } from './helpers/fleet-fixture.ts';
import { SECOND_MIGRATION, tenantMigrations } from './helpers/fleet-migrations.ts';
import { THIRD_MIGRATION, tenantMigrations as withThird } from './helpers/fleet-migrations-third.ts';

/** A migration whose up() asks the database something: only MikroORM's migrator can run it. */
class Migration20991231000009_asks_database extends Migration {
  override async up(): Promise<void> {
    const [{ n }] = await this.execute('select 2 as n');
    this.addSql(`alter table users add column asked_${n} int null`);
  }
}
const ASKS_DATABASE = 'Migration20991231000009_asks_database';
const withAsking: readonly TenantMigration[] = [...tenantMigrations, { name: ASKS_DATABASE, class: Migration20991231000009_asks_database }];

describe('migrate up: the plain-pg path, MikroORM\'s migrator where needed, the ledger in batches', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await createFleet(6);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  /** What a migration left in a schema, with the schema's name taken out. */
  const footprint = async (tenantId: string) => {
    const schema = schemaNameFor(tenantId);
    const [tracking, columns, indexes] = await Promise.all([
      fleet.query(`select id, name, executed_at is not null as stamped from ${schema}.mikro_orm_migrations order by id`),
      fleet.query(`select column_name, data_type, character_maximum_length, is_nullable, column_default from information_schema.columns where table_schema = $1 and table_name = 'users' order by ordinal_position`, [schema]),
      fleet.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 order by indexname`, [schema]),
    ]);
    return { tracking, columns, indexes: indexes.map((row) => row.indexdef.replaceAll(schema, '<schema>')) };
  };
  const ledgerOf = async (tenantId: string) =>
    (await fleet.query<{ schema_version: string }>('select schema_version from control.tenants where id = $1', [tenantId]))[0].schema_version;
  const schemaVersionEvents = async (tenantId: string, version: string) =>
    (await fleet.query<{ n: number }>(
      `select count(*)::int as n from control.tenant_events where tenant_id = $1 and type = 'TenantUpdated' and event->'data'->'tenant'->>'schema_version' = $2`,
      [tenantId, version],
    ))[0].n;

  it('leaves the same tables and tracking rows as MikroORM\'s migrator', async () => {
    const [viaOrm, viaPg] = fleet.tenantIds;
    const orm = await createFleetOrm({ databaseUrl: fleet.db.url, connections: 1, schemasPerConnection: 100 });
    const migrator = new PgSchemaMigrator(orm, tenantMigrations, { databaseUrl: fleet.db.url, connections: 1, schemasPerConnection: 100 });
    try {
      const byOrm = await migrateTenantSchema(orm, schemaNameFor(viaOrm), { migrations: tenantMigrations, lockTimeoutMs: 2000 });
      expect(await migrator.canRun([SECOND_MIGRATION])).toBe(true);
      const byPg = await migrator.migrate(schemaNameFor(viaPg), 2000);
      expect(byPg).toEqual(byOrm);
      expect(byPg).toEqual({ found: true, fromVersion: LATEST_TENANT_MIGRATION, schemaVersion: SECOND_MIGRATION, applied: [SECOND_MIGRATION] });
      expect(await footprint(viaPg)).toEqual(await footprint(viaOrm));
      expect((await footprint(viaPg)).tracking.map((row) => row.name)).toEqual([LATEST_TENANT_MIGRATION, SECOND_MIGRATION]);

      // Nothing pending: the same answer, nothing written.
      expect(await migrator.migrate(schemaNameFor(viaPg), 2000)).toEqual({ found: true, fromVersion: SECOND_MIGRATION, schemaVersion: SECOND_MIGRATION, applied: [] });
      // What it does not cover goes back to the caller untouched: a schema that is not there.
      expect(await migrator.migrate('tenant_00000000000070008000000000000000', 2000)).toBe(NEEDS_ORM);
      // The connection is clean afterwards (the failed attempt was rolled back, search_path reset).
      expect(await migrator.migrate(schemaNameFor(viaPg), 2000)).toMatchObject({ found: true, applied: [] });
    } finally {
      await migrator.close();
      await orm.close(true);
    }
  });

  it('runs a migration whose up() uses the database through MikroORM\'s migrator', async () => {
    const [first, second] = fleet.tenantIds; // both at SECOND_MIGRATION after the previous test
    const orm = await createFleetOrm({ databaseUrl: fleet.db.url, connections: 1, schemasPerConnection: 100 });
    const migrator = new PgSchemaMigrator(orm, withAsking, { databaseUrl: fleet.db.url, connections: 1, schemasPerConnection: 100 });
    try {
      expect(await migrator.canRun([ASKS_DATABASE])).toBe(false);
      expect(await migrator.migrate(schemaNameFor(first), 2000)).toBe(NEEDS_ORM);
    } finally {
      await migrator.close();
      await orm.close(true);
    }
    expect((await footprint(first)).tracking).toHaveLength(2); // NEEDS_ORM changed nothing

    const report = await migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.batchedLedger, migrations: withAsking, tenantIds: [first, second], canary: 0 });
    expect(report.results.map((r) => [r.outcome, r.applied, r.ledgerUpdated])).toEqual([
      ['ok', [ASKS_DATABASE], true],
      ['ok', [ASKS_DATABASE], true],
    ]);
    expect((await footprint(first)).columns.map((c) => c.column_name)).toContain('asked_2');
    expect(await ledgerOf(first)).toBe(ASKS_DATABASE);
  });

  it('a ledger write refused for one tenant fails that tenant only, as "retry later", with its schema kept; the next run records it', async () => {
    const ids = fleet.tenantIds.slice(2); // still at the shipped version
    const refused = ids[1];
    await fleet.query(`create function control.refuse_ledger() returns trigger language plpgsql as $$
                       begin if new.id = '${refused}' then raise exception 'ledger write refused for the test'; end if; return new; end $$`);
    await fleet.query('create trigger refuse_ledger before update on control.tenants for each row execute function control.refuse_ledger()');
    let report;
    try {
      report = await migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.batchedLedger, migrations: tenantMigrations, tenantIds: ids, canary: 0 });
    } finally {
      await fleet.query('drop trigger refuse_ledger on control.tenants; drop function control.refuse_ledger()');
    }
    expect(report.summary).toEqual({ selected: 4, ok: 3, failed: 1, skipped: 0, upToDate: 0, retryLater: 1 });
    const failed = report.results.find((r) => r.outcome === 'failed');
    expect(failed).toMatchObject({
      tenantId: refused,
      applied: [SECOND_MIGRATION],
      schemaVersion: SECOND_MIGRATION,
      ledgerUpdated: false,
      error: { code: 'TNT_ERR_LEDGER_UPDATE_FAILED', retryLater: true, message: expect.stringContaining('ledger write refused for the test') },
    });
    for (const id of ids) {
      expect((await footprint(id)).tracking.map((row) => row.name)).toEqual([LATEST_TENANT_MIGRATION, SECOND_MIGRATION]);
      expect(await ledgerOf(id)).toBe(id === refused ? LATEST_TENANT_MIGRATION : SECOND_MIGRATION);
      expect(await schemaVersionEvents(id, SECOND_MIGRATION)).toBe(id === refused ? 0 : 1);
    }

    const rerun = await migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.batchedLedger, migrations: tenantMigrations, tenantIds: ids });
    expect(rerun.summary).toEqual({ selected: 4, ok: 1, failed: 0, skipped: 3, upToDate: 3, retryLater: 0 });
    expect(rerun.results.find((r) => r.outcome === 'ok')).toMatchObject({ tenantId: refused, applied: [], ledgerUpdated: true });
    expect(await ledgerOf(refused)).toBe(SECOND_MIGRATION);
    expect(await schemaVersionEvents(refused, SECOND_MIGRATION)).toBe(1);
  });

  it('on abort with the ledger batched, every schema that committed is reported and recorded before it returns', async () => {
    // The third fixture migration sleeps 40 ms per schema: the abort lands while schemas are left.
    const ids = await fleet.provision(16);
    const controller = new AbortController();
    const seen: TenantMigrateResult[] = [];
    const report = await migrateFleet({
      databaseUrl: fleet.db.url,
      ledger: fleet.batchedLedger,
      migrations: withThird,
      tenantIds: ids,
      canary: 0,
      concurrency: 2,
      ledgerBatch: { batchSize: 2, maxDelayMs: 200 },
      signal: controller.signal,
      onResult: (result) => {
        seen.push(result);
        if (seen.length === 3) controller.abort();
      },
    });
    expect(report.stopped).toBe('interrupted');
    const ok = report.results.filter((r) => r.outcome === 'ok');
    const interrupted = report.results.filter((r) => r.reason === 'interrupted');
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(interrupted.length).toBeGreaterThan(0);
    expect(ok.length + interrupted.length).toBe(ids.length);
    expect(seen.map((r) => r.tenantId).sort()).toEqual(ok.map((r) => r.tenantId).sort());
    // No ledger lags behind its schema: the queued entries were written before migrateFleet returned.
    for (const result of report.results) {
      const applied = (await footprint(result.tenantId)).tracking.map((row) => row.name);
      expect(applied).toEqual(result.outcome === 'ok' ? [LATEST_TENANT_MIGRATION, SECOND_MIGRATION, THIRD_MIGRATION] : [LATEST_TENANT_MIGRATION]);
      expect(await ledgerOf(result.tenantId)).toBe(applied[applied.length - 1]);
    }

    const resumed = await migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.batchedLedger, migrations: withThird, tenantIds: ids });
    expect(resumed.summary).toMatchObject({ ok: interrupted.length, failed: 0, upToDate: ok.length });
    for (const id of ids) expect(await schemaVersionEvents(id, THIRD_MIGRATION)).toBe(1);
  }, 60_000);
});
