import { Migration } from '@mikro-orm/migrations';
import type { FleetEngine, FleetMigrateRequest } from './fleet-engine.ts';
import type { FleetLedger, FleetLedgerEntry } from './ledger.ts';
import type { FleetMigrateReport } from './migrate-fleet.ts';
import { multiDatabaseFleetEngine } from './multi-database-engine.ts';

class Noop extends Migration {
  override up(): void {
    // The engines below are stand-ins; nothing runs.
  }
}
const migrations = [{ name: 'M1', class: Noop }];
const entry = (n: number, database: string): FleetLedgerEntry => ({ tenantId: `t${n}`, schemaName: `tenant_${n}`, status: 'active', schemaVersion: 'M1', database });
const entries = [entry(1, 'main'), entry(2, 'east'), entry(3, 'east'), entry(4, 'west')];
const databases = ['east', 'main', 'west'].map((name) => ({ name, url: `postgres://x/${name}` }));

/** A ledger that counts its reads, and per database what its engine was asked (or that it throws). */
function setup(failing: Record<string, Error> = {}) {
  let reads = 0;
  const ledger: FleetLedger = {
    read: async () => {
      reads += 1;
      return entries;
    },
    record: async () => undefined,
  };
  const asked: Record<string, FleetMigrateRequest> = {};
  const engineFor = (database: { name: string }, view: FleetLedger): FleetEngine => ({
    readStatus: async () => {
      throw new Error('not used');
    },
    migrate: async (request = {}): Promise<FleetMigrateReport> => {
      asked[database.name] = request;
      if (failing[database.name]) throw failing[database.name];
      const mine = (await view.read()).filter((e) => e.database === database.name && (!request.tenantIds || request.tenantIds.includes(e.tenantId)));
      const results = mine.map((e) => ({
        database: database.name, tenantId: e.tenantId, schemaName: e.schemaName, tenantStatus: e.status, outcome: 'ok' as const,
        wave: 'main' as const, fromVersion: null, schemaVersion: 'M1', applied: ['M1'], ledgerUpdated: true, durationMs: 1,
      }));
      return {
        target: 'M1', startedAt: '', durationMs: 1, concurrency: 4, canary: 5, lockTimeoutMs: 2000, stopped: null,
        summary: { selected: results.length, ok: results.length, failed: 0, skipped: 0, upToDate: 0, retryLater: 0 }, results,
      };
    },
  });
  const engine = multiDatabaseFleetEngine({ databases, ledger, migrations, engineFor });
  return { engine, asked, reads: () => reads };
}

describe('multiDatabaseFleetEngine', () => {
  it('runs every database with the ledger read once; a database that throws fails only its own tenants', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' });
    const { engine, reads } = setup({ west: refused });
    const report = await engine.migrate({ concurrency: 2 });
    expect(reads()).toBe(1);
    expect(report.databases.map((d) => [d.database, d.error?.code ?? null, d.summary.ok, d.summary.failed])).toEqual([
      ['east', null, 2, 0],
      ['main', null, 1, 0],
      ['west', 'TNT_ERR_DATABASE_UNREACHABLE', 0, 1],
    ]);
    expect(report.summary).toEqual({ selected: 4, ok: 3, failed: 1, skipped: 0, upToDate: 0, retryLater: 1 });
    expect(report.results.find((r) => r.tenantId === 't4')).toMatchObject({ database: 'west', outcome: 'failed', error: { code: 'TNT_ERR_DATABASE_UNREACHABLE' } });
    expect(report.concurrency).toBe(2);
  });

  it('with tenant ids, runs only the databases holding them, each with its own ids', async () => {
    const { engine, asked } = setup();
    const report = await engine.migrate({ tenantIds: ['t3'] });
    expect(Object.keys(asked)).toEqual(['east']);
    expect(asked.east.tenantIds).toEqual(['t3']);
    expect(report.results.map((r) => r.tenantId)).toEqual(['t3']);
  });

  it('refuses before touching any database: unknown tenants, bad options, a tenant on a database the run does not cover', async () => {
    const { engine, asked } = setup();
    await expect(engine.migrate({ tenantIds: ['t9'] })).rejects.toMatchObject({ code: 'TNT_ERR_TENANT_NOT_FOUND' });
    await expect(engine.migrate({ concurrency: 0 })).rejects.toMatchObject({ code: 'TNT_ERR_INVALID_FLEET_OPTIONS' });
    const onlyMain = multiDatabaseFleetEngine({ databases: [databases[1]], ledger: { read: async () => entries, record: async () => undefined }, migrations });
    await expect(onlyMain.migrate({ tenantIds: ['t2'] })).rejects.toThrow('tenant t2 is on database east, which this run does not cover');
    expect(asked).toEqual({});
  });

  it('Ctrl-C reaches every database: each gets the signal, and the run reports itself interrupted', async () => {
    const { engine, asked } = setup();
    const controller = new AbortController();
    controller.abort();
    const report = await engine.migrate({ signal: controller.signal });
    expect(Object.values(asked).map((request) => request.signal)).toEqual([controller.signal, controller.signal, controller.signal]);
    expect(report.stopped).toBe('interrupted');
  });

  it('refuses a ledger that does not say where a tenant is', async () => {
    const engine = multiDatabaseFleetEngine({ databases, ledger: { read: async () => [{ ...entry(1, 'main'), database: undefined }], record: async () => undefined }, migrations });
    await expect(engine.readStatus()).rejects.toThrow('the ledger does not say which database holds tenant t1');
  });
});

