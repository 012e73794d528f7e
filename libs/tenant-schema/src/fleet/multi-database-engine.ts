import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { databaseFleetEngine, type FleetDatabase } from './database-engine.ts';
import {
  databaseFailure,
  failedResults,
  migrateSection,
  overallStop,
  totalSummary,
  type DatabaseMigrateSection,
  type DatabaseStatusSection,
  type FleetMigrateReportAcrossDatabases,
  type FleetStatusAcrossDatabases,
} from './database-sections.ts';
import type { FleetEngine, FleetMigrateRequest, FleetStatusRequest } from './fleet-engine.ts';
import type { FleetLedger, FleetLedgerEntry } from './ledger.ts';
import { MIGRATE_DEFAULTS, checkMigrateOptions, summarizeResults, usage, type FleetProgress, type TenantMigrateResult } from './migrate-fleet.ts';

export interface MultiDatabaseFleetEngineOptions {
  /** The tenant databases to cover (all of the registry, or the one `--database` names). */
  databases: readonly FleetDatabase[];
  /** The control ledger; every entry names the database the tenant is placed on. */
  ledger: FleetLedger;
  migrations?: readonly TenantMigration[];
  /** How one database is run (default {@link databaseFleetEngine}). */
  engineFor?(database: FleetDatabase, ledger: FleetLedger, migrations: readonly TenantMigration[]): FleetEngine;
}

/** The ledger read once for a whole run: every database's engine sees the same entries. */
interface Placement {
  ledger: FleetLedger;
  /** Selected entries per covered database (covered: in the list and, with tenantIds, holding one of them). */
  selected: Map<string, FleetLedgerEntry[]>;
}

/**
 * The fleet engine over several tenant databases: one {@link databaseFleetEngine} per database, all
 * at once, each with its own limits (concurrency, canary, connections) and its own fleet lock. A
 * database that cannot be reached or fails as a whole fails only its own schemas: its section
 * carries the error, its tenants are reported failed, the others complete. Drift is read per
 * database against the whole ledger, so a schema on another database than its placement is found.
 */
export function multiDatabaseFleetEngine({
  databases,
  ledger,
  migrations = tenantMigrations,
  engineFor = (database, view, list) => databaseFleetEngine({ database, ledger: view, migrations: list }),
}: MultiDatabaseFleetEngineOptions): FleetEngine<FleetStatusAcrossDatabases, FleetMigrateReportAcrossDatabases> {
  const names = databases.map((d) => d.name);
  if (new Set(names).size !== names.length) throw usage(`each database once, got ${names.join(', ')}`);

  const run: EngineRun = { databases, ledger, migrations, engineFor, latest: migrations[migrations.length - 1]?.name ?? '' };
  return {
    readStatus: (request: FleetStatusRequest = {}) => readStatusAcrossDatabases(run, request),
    migrate: (request: FleetMigrateRequest = {}) => migrateAcrossDatabases(run, request),
  };
}

/** What one engine works with: its options, defaults filled in, and the newest migration's name. */
type EngineRun = Required<MultiDatabaseFleetEngineOptions> & { latest: string };

/** Every covered database's status at once; a database that cannot be read is a section with its error. */
async function readStatusAcrossDatabases(run: EngineRun, request: FleetStatusRequest): Promise<FleetStatusAcrossDatabases> {
  const started = performance.now();
  const placement = await place(run.ledger, run.databases, request.tenantIds);
  const sections = await Promise.all(
    covered(run.databases, placement, request.tenantIds).map(async (database): Promise<{ section: DatabaseStatusSection; schemas: FleetStatusAcrossDatabases['schemas'] }> => {
      const mine = placement.selected.get(database.name)!;
      const tenantIds = request.tenantIds ? mine.map((e) => e.tenantId) : undefined;
      try {
        const status = await run.engineFor(database, placement.ledger, run.migrations).readStatus({ ...request, tenantIds });
        return { section: { database: database.name, tenants: mine.length, error: null, summary: status.summary, reads: status.reads }, schemas: status.schemas };
      } catch (error) {
        return { section: { database: database.name, tenants: mine.length, error: databaseFailure(database.name, error), summary: null, reads: null }, schemas: [] };
      }
    }),
  );
  const read = sections.map((s) => s.section);
  return {
    summary: totalSummary(read, run.latest),
    schemas: sections.flatMap((s) => s.schemas),
    reads: {
      durationMs: Math.round(performance.now() - started),
      connections: read.reduce((sum, s) => sum + (s.reads?.connections ?? 0), 0),
      batches: read.reduce((sum, s) => sum + (s.reads?.batches ?? 0), 0),
    },
    databases: read,
  };
}

/** Every covered database migrated at once, each with its own limits; a database failing as a whole fails its own schemas. */
async function migrateAcrossDatabases(run: EngineRun, request: FleetMigrateRequest): Promise<FleetMigrateReportAcrossDatabases> {
  const options = { ...MIGRATE_DEFAULTS, ...definedOnly(request) };
  checkMigrateOptions({ ...options, migrations: run.migrations });
  const startedAt = new Date();
  const placement = await place(run.ledger, run.databases, request.tenantIds);
  const progress = aggregateProgress(request);
  const wanted = request.statuses ? new Set(request.statuses) : undefined;
  const runs = await Promise.all(
    covered(run.databases, placement, request.tenantIds).map(async (database): Promise<{ section: DatabaseMigrateSection; results: TenantMigrateResult[] }> => {
      const mine = placement.selected.get(database.name)!;
      const started = performance.now();
      try {
        const report = await run.engineFor(database, placement.ledger, run.migrations).migrate({
          ...request,
          tenantIds: request.tenantIds ? mine.map((e) => e.tenantId) : undefined,
          onPlan: progress.onPlan,
          onResult: progress.onResult,
        });
        return { section: migrateSection(database.name, { report }), results: report.results };
      } catch (error) {
        const failure = databaseFailure(database.name, error);
        request.logger?.info({ database: database.name, err: failure }, 'tenant database failed as a whole');
        const results = failedResults(database.name, mine.filter((e) => !wanted || wanted.has(e.status)), failure);
        return { section: migrateSection(database.name, { failure, results, durationMs: Math.round(performance.now() - started) }), results };
      }
    }),
  );
  const sections = runs.map((r) => r.section);
  const results = runs.flatMap((r) => r.results);
  return {
    target: run.latest,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    concurrency: options.concurrency,
    canary: options.canary,
    lockTimeoutMs: options.lockTimeoutMs,
    stopped: overallStop(sections, request.signal?.aborted ?? false),
    summary: summarizeResults(results),
    results,
    databases: sections,
  };
}

/**
 * Reads the ledger once and sorts the selected tenants by placement. Refuses (before any database
 * is touched) an entry without a database and a tenant id the ledger does not hold.
 */
async function place(ledger: FleetLedger, databases: readonly FleetDatabase[], tenantIds: readonly string[] | undefined): Promise<Placement> {
  const entries = await ledger.read();
  const unplaced = entries.find((e) => !e.database);
  if (unplaced) throw usage(`the ledger does not say which database holds tenant ${unplaced.tenantId}`);
  const wanted = tenantIds ? new Set(tenantIds) : undefined;
  if (tenantIds) {
    const known = new Set(entries.map((e) => e.tenantId));
    const unknown = tenantIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw usage(`tenant(s) not in the control ledger: ${unknown.join(', ')}`, 'TNT_ERR_TENANT_NOT_FOUND');
  }
  const selected = new Map<string, FleetLedgerEntry[]>(databases.map((d) => [d.name, []]));
  for (const entry of entries) {
    if (wanted && !wanted.has(entry.tenantId)) continue;
    const list = selected.get(entry.database!);
    if (list) list.push(entry);
    else if (wanted) throw usage(`tenant ${entry.tenantId} is on database ${entry.database}, which this run does not cover`);
  }
  const read = Promise.resolve(entries);
  return { ledger: { ...ledger, read: () => read }, selected };
}

/** The databases a run covers: all of them, or with tenantIds only those holding a selected tenant. */
function covered(databases: readonly FleetDatabase[], { selected }: Placement, tenantIds: readonly string[] | undefined): FleetDatabase[] {
  return tenantIds ? databases.filter((d) => selected.get(d.name)!.length > 0) : [...databases];
}

/** One progress over every database: plans add up as they arrive, results count wherever they come from. */
function aggregateProgress(request: FleetMigrateRequest): Pick<FleetMigrateRequest, 'onPlan' | 'onResult'> {
  const total = { done: 0, total: 0, failed: 0 };
  return {
    onPlan(plan) {
      total.total += plan.toMigrate;
      request.onPlan?.(plan);
    },
    onResult(result, own: FleetProgress) {
      total.done += 1;
      if (result.outcome === 'failed') total.failed += 1;
      request.onResult?.(result, { ...total, wave: own.wave, database: own.database });
    },
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
