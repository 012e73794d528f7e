import pg from 'pg';
import { migrateFleet, readFleetStatus, schemaNameFor, type FleetMigrateReport } from '../index.ts';
import { createFleet, type Fleet } from './helpers/fleet-fixture.ts';
import { SECOND_MIGRATION, tenantMigrations } from './helpers/fleet-migrations.ts';

const FLEET_SIZE = 16;

describe('migrate up safety: canary, Ctrl-C, lock_timeout', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await createFleet(FLEET_SIZE);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  const run = (options: Partial<Parameters<typeof migrateFleet>[0]> = {}) =>
    migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations, ...options });

  const pendingTenants = async () =>
    (await readFleetStatus({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations })).schemas
      .filter((s) => s.pending.length > 0)
      .map((s) => s.tenantId);

  it('refuses to start while another run holds the fleet lock, and selects by control status', async () => {
    const other = new pg.Client({ connectionString: fleet.db.url });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtextextended('tenantry:fleet-migrate', 0))`);
      const { rows } = await other.query<{ pid: number }>('select pg_backend_pid() as pid');
      // Refused after the grace period a just-killed run's session gets to end.
      await expect(run()).rejects.toMatchObject({ code: 'TNT_ERR_FLEET_MIGRATION_RUNNING', message: expect.stringContaining(`backend pid ${rows[0].pid}`) });
      await other.query(`select pg_advisory_unlock(hashtextextended('tenantry:fleet-migrate', 0))`);
    } finally {
      await other.end();
    }
    const none = await run({ statuses: ['suspended'] });
    expect(none.summary).toEqual({ selected: 0, ok: 0, failed: 0, skipped: 0, upToDate: 0, retryLater: 0 });
    expect(await pendingTenants()).toHaveLength(FLEET_SIZE);
  });

  it('stops after a failing canary wave and leaves the rest untouched', async () => {
    const first = fleet.tenantIds[0]; // ledger order = work order: the first canary schema
    await fleet.query(`alter table ${schemaNameFor(first)}.users rename to users_broken`);

    const report = await run({ canary: 3, concurrency: 1 });

    expect(report.stopped).toBe('canary-failed');
    expect(report.results.filter((r) => r.wave === 'canary').map((r) => [r.tenantId, r.outcome])).toEqual([
      [first, 'failed'],
      [fleet.tenantIds[1], 'ok'],
      [fleet.tenantIds[2], 'ok'],
    ]);
    const rest = report.results.filter((r) => r.wave !== 'canary');
    expect(rest).toHaveLength(FLEET_SIZE - 3);
    expect(rest.every((r) => r.outcome === 'skipped' && r.reason === 'canary-failed' && r.applied.length === 0)).toBe(true);
    expect(await pendingTenants()).toEqual([first, ...fleet.tenantIds.slice(3)]);

    await fleet.query(`alter table ${schemaNameFor(first)}.users_broken rename to users`);
  });

  it('on abort (Ctrl-C) finishes the schemas in flight, starts no more, and a re-run continues', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const report = await run({
      canary: 0,
      concurrency: 2,
      signal: controller.signal,
      onResult: (result) => {
        seen.push(result.tenantId);
        if (seen.length === 3) controller.abort();
      },
    });

    expect(report.stopped).toBe('interrupted');
    const ok = report.results.filter((r) => r.outcome === 'ok');
    // The abort came with the 3rd result; the one still in flight then finished too.
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(ok.length).toBeLessThanOrEqual(4);
    expect(report.results.filter((r) => r.reason === 'interrupted').length).toBe(FLEET_SIZE - 2 - ok.length);

    const resumed = await run({ canary: 0 });
    expect(resumed.stopped).toBeNull();
    expect(resumed.summary).toMatchObject({ ok: FLEET_SIZE - 2 - ok.length, failed: 0, upToDate: 2 + ok.length });
    expect(await pendingTenants()).toEqual([]);
  });

  describe('with application traffic holding a lock', () => {
    let app: pg.Client;

    beforeAll(async () => {
      // A new migration for everyone: roll the fixture back by hand on every schema.
      for (const id of fleet.tenantIds) {
        const schema = schemaNameFor(id);
        await fleet.query(`drop index ${schema}.users_locale_index; alter table ${schema}.users drop column locale;
                           delete from ${schema}.mikro_orm_migrations where name = '${SECOND_MIGRATION}'`);
      }
      app = new pg.Client({ connectionString: fleet.db.url });
      await app.connect();
    });

    afterAll(async () => {
      await app?.end();
    });

    it('fails only the locked schema, quickly and as "retry later"; the next run migrates it', async () => {
      const locked = fleet.tenantIds[5];
      // An open transaction that read `users` (AccessShareLock): ALTER TABLE would queue behind it.
      await app.query('begin');
      await app.query(`select count(*) from ${schemaNameFor(locked)}.users`);

      const started = Date.now();
      let report: FleetMigrateReport;
      try {
        report = await run({ canary: 0, concurrency: 4, lockTimeoutMs: 300 });
      } finally {
        await app.query('rollback');
      }
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(report.summary).toMatchObject({ ok: FLEET_SIZE - 1, failed: 1, retryLater: 1 });
      const [failed] = report.results.filter((r) => r.outcome === 'failed');
      expect(failed).toMatchObject({
        tenantId: locked,
        applied: [],
        error: { code: 'TNT_ERR_LOCK_TIMEOUT', retryLater: true, message: expect.stringContaining('lock not granted within 300 ms') },
      });
      expect(failed.durationMs).toBeLessThan(3_000);

      const retry = await run({ canary: 0 });
      expect(retry.results.filter((r) => r.outcome === 'ok').map((r) => r.tenantId)).toEqual([locked]);
      expect(await pendingTenants()).toEqual([]);
    });
  });
});
