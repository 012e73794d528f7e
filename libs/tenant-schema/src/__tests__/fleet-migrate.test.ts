import { LATEST_TENANT_MIGRATION } from '@tenantry/tenant-migrations';
import { waitFor } from '@tenantry/testing';
import { migrateFleet, readFleetStatus, schemaNameFor, type FleetMigrateReport } from '../index.ts';
import { FIXTURE_MIGRATIONS, THIRD_FIXTURE_MIGRATIONS, runCli, startCli } from './helpers/fleet-cli.ts';
import { createFleet, type Fleet } from './helpers/fleet-fixture.ts';
import { SECOND_MIGRATION, tenantMigrations } from './helpers/fleet-migrations.ts';
import { THIRD_MIGRATION } from './helpers/fleet-migrations-third.ts';

const FLEET_SIZE = 500;

/** How many times each schema recorded `migration` (0 or 1; 2 would be a double apply). */
async function fixtureRecords(fleet: Fleet, migration = SECOND_MIGRATION): Promise<Map<string, number>> {
  const rows = await fleet.query<{ schema_name: string; n: number }>(
    `select schema_name, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.mikro_orm_migrations where name = %L', schema_name, $1::text), false, true, '')))[1]::text::int as n
       from control.tenants`,
    [migration],
  );
  return new Map(rows.map((row) => [row.schema_name, row.n]));
}

describe(`migrate up over ${FLEET_SIZE} tenant schemas with one broken`, () => {
  let fleet: Fleet;
  let broken: string;

  beforeAll(async () => {
    fleet = await createFleet(FLEET_SIZE);
    broken = fleet.tenantIds[123];
    // The fixture alters `users`; without it this schema's migration must fail (and only this one).
    await fleet.query(`alter table ${schemaNameFor(broken)}.users rename to users_broken`);
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
  }, 60_000);

  it('reads the whole fleet status in bulk: every schema one migration behind, no drift', async () => {
    const status = await readFleetStatus({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations });
    expect(status.summary).toMatchObject({ tenants: FLEET_SIZE, schemas: FLEET_SIZE, pendingSchemas: FLEET_SIZE, pendingMigrations: FLEET_SIZE, drift: 0 });
    expect(status.summary.byVersion).toEqual({ [LATEST_TENANT_MIGRATION]: FLEET_SIZE });
    // 200 tracking tables per UNION ALL query, not one query (or connection) per schema.
    expect(status.reads.batches).toBe(3);
    expect(status.reads.connections).toBeLessThanOrEqual(3);
    expect(status.reads.durationMs).toBeLessThan(5_000);
  });

  it('the CLI (--json) reports 499 ok and 1 failed, exits 1, and records the ledger for the 499', async () => {
    const run = await runCli(['migrate', 'up', '--json', '--concurrency', '4', '--migrations-module', FIXTURE_MIGRATIONS], fleet.db.url);
    expect(run.stderr).not.toMatch(/tenantry:/);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as FleetMigrateReport;

    expect(report.summary).toEqual({ selected: FLEET_SIZE, ok: FLEET_SIZE - 1, failed: 1, skipped: 0, upToDate: 0, retryLater: 0 });
    expect(report.stopped).toBeNull();
    const failed = report.results.filter((r) => r.outcome === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        tenantId: broken,
        error: expect.objectContaining({ code: 'TNT_ERR_MIGRATION_FAILED', message: expect.stringMatching(/user_locale.*relation "users" does not exist/), retryLater: false }),
        schemaVersion: LATEST_TENANT_MIGRATION,
        applied: [],
      }),
    ]);
    for (const result of report.results.filter((r) => r.outcome === 'ok')) {
      expect(result).toMatchObject({ applied: [SECOND_MIGRATION], schemaVersion: SECOND_MIGRATION, ledgerUpdated: true });
      expect(result.durationMs).toBeGreaterThan(0);
    }
    expect(report.results.filter((r) => r.wave === 'canary')).toHaveLength(5);

    const records = await fixtureRecords(fleet);
    expect([...records.values()].filter((n) => n === 1)).toHaveLength(FLEET_SIZE - 1);
    expect(records.get(schemaNameFor(broken))).toBe(0);
    const ledger = await fleet.query<{ schema_version: string; n: number }>(
      'select schema_version, count(*)::int as n from control.tenants group by 1 order by 1',
    );
    expect(ledger).toEqual([
      { schema_version: LATEST_TENANT_MIGRATION, n: 1 },
      { schema_version: SECOND_MIGRATION, n: FLEET_SIZE - 1 },
    ]);
    const events = await fleet.query<{ n: number }>(
      `select count(*)::int as n from control.tenant_events
        where type = 'TenantUpdated' and event->'data'->'changed_fields' = '["schema_version"]'
          and event->'data'->'tenant'->>'schema_version' = $1`,
      [SECOND_MIGRATION],
    );
    expect(events).toEqual([{ n: FLEET_SIZE - 1 }]);
  }, 120_000);

  it('after the schema is fixed, a re-run migrates that one schema only', async () => {
    await fleet.query(`alter table ${schemaNameFor(broken)}.users_broken rename to users`);
    const report = await migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations });

    expect(report.summary).toEqual({ selected: FLEET_SIZE, ok: 1, failed: 0, skipped: FLEET_SIZE - 1, upToDate: FLEET_SIZE - 1, retryLater: 0 });
    expect(report.results.filter((r) => r.outcome === 'ok')).toEqual([
      expect.objectContaining({ tenantId: broken, applied: [SECOND_MIGRATION], ledgerUpdated: true, wave: 'canary' }),
    ]);
    const records = await fixtureRecords(fleet);
    expect([...records.values()].every((n) => n === 1)).toBe(true);

    const status = await readFleetStatus({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations });
    expect(status.summary).toMatchObject({ upToDate: FLEET_SIZE, pendingSchemas: 0, drift: 0, byVersion: { [SECOND_MIGRATION]: FLEET_SIZE } });
  }, 60_000);

  it('killed with SIGKILL midway, a re-run completes the rest and applies nothing twice', async () => {
    const args = ['migrate', 'up', '--json', '--concurrency', '4', '--migrations-module', THIRD_FIXTURE_MIGRATIONS];
    const first = startCli(args, fleet.db.url);
    await waitFor(
      'the first run to record 100 schemas in the ledger',
      async () => {
        const [{ n }] = await fleet.query<{ n: number }>('select count(*)::int as n from control.tenants where schema_version = $1', [THIRD_MIGRATION]);
        return n >= 100 || undefined;
      },
      { timeoutMs: 90_000, intervalMs: 20 },
    );
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // A schema's statements and its commit go out in one round trip: a transaction the server was
    // running at the kill still ends (committed whole or rolled back whole) before its backend
    // notices the dead client. Look once those backends are gone.
    await waitFor(
      'the killed run\'s backends to end',
      async () => {
        const [{ n }] = await fleet.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'tenantry-migrate%'`,
        );
        return n === 0 || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );

    const before = await fixtureRecords(fleet, THIRD_MIGRATION);
    const doneBefore = [...before].filter(([, n]) => n === 1).map(([schema]) => schema);
    expect(doneBefore.length).toBeGreaterThanOrEqual(100);
    expect(doneBefore.length).toBeLessThan(FLEET_SIZE);
    // The transactions in flight at the kill rolled back whole: the column exists exactly where the
    // tracking row does.
    const withColumn = await fleet.query<{ table_schema: string }>(
      `select table_schema from information_schema.columns where table_name = 'products' and column_name = 'barcode' order by 1`,
    );
    expect(withColumn.map((row) => row.table_schema)).toEqual([...doneBefore].sort());

    const second = await runCli(args, fleet.db.url);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout) as FleetMigrateReport;
    expect(report.summary.failed).toBe(0);
    const appliedNow = report.results.filter((r) => r.applied.length > 0).map((r) => r.schemaName).sort();
    const missingBefore = [...before].filter(([, n]) => n === 0).map(([schema]) => schema).sort();
    expect(appliedNow).toEqual(missingBefore);

    const after = await fixtureRecords(fleet, THIRD_MIGRATION);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    const ledger = await fleet.query<{ schema_version: string; n: number }>('select schema_version, count(*)::int as n from control.tenants group by 1');
    expect(ledger).toEqual([{ schema_version: THIRD_MIGRATION, n: FLEET_SIZE }]);
    // One ledger event per tenant for the new version, even for a schema migrated just before the
    // kill whose ledger write the re-run made.
    const events = await fleet.query<{ tenants: number; events: number }>(
      `select count(distinct tenant_id)::int as tenants, count(*)::int as events from control.tenant_events
        where type = 'TenantUpdated' and event->'data'->'tenant'->>'schema_version' = $1`,
      [THIRD_MIGRATION],
    );
    expect(events).toEqual([{ tenants: FLEET_SIZE, events: FLEET_SIZE }]);
  }, 150_000);
});
