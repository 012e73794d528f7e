import type { Logger } from '@tenantry/logger';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { TenantSchemaError } from '../errors.ts';
import { acquireFleetLock } from './lock.ts';
import type { FleetLedger } from './ledger.ts';
import { LedgerWriter, type LedgerWriteOutcome, type LedgerWriterOptions } from './ledger-writer.ts';
import { createFleetOrm } from './fleet-orm.ts';
import { NEEDS_ORM, PgSchemaMigrator } from './pg-schema-migrator.ts';
import { isPlacedHere, readFleetStatus, type SchemaStatus } from './read-fleet-status.ts';
import { migrateTenantSchema, type MigrateTenantSchemaResult } from '../migrate-tenant-schema.ts';
import { runLimited } from './run-limited.ts';
import type { TenantSchemaOrm } from '../tenant-schema-orm.ts';

export type TenantMigrateOutcome = 'ok' | 'failed' | 'skipped';
/**
 * `up-to-date`: nothing to do; `no-schema`: the tenant has no schema (provisioning's job);
 * `moving`: an unfinished move is copying the schema to another database (run again after it);
 * `canary-failed` / `interrupted`: not attempted.
 */
export type SkipReason = 'up-to-date' | 'no-schema' | 'moving' | 'canary-failed' | 'interrupted';

export interface TenantMigrateResult {
  /** The tenant database the schema is on, when the run was given its name. */
  database?: string;
  tenantId: string;
  schemaName: string;
  tenantStatus: string;
  outcome: TenantMigrateOutcome;
  reason?: SkipReason;
  /** `retryLater`: a lock timeout or a ledger write that failed; the next run picks it up. */
  error?: { code: string; message: string; retryLater: boolean };
  wave: 'canary' | 'main' | null;
  fromVersion: string | null;
  schemaVersion: string | null;
  /** Migrations this run applied to the schema (committed). */
  applied: string[];
  /** Whether this run changed `schema_version` in the control ledger. */
  ledgerUpdated: boolean;
  /** The schema's transaction, plus its share of the (batched) control-ledger write it was part of. */
  durationMs: number;
}

export interface FleetMigrateSummary {
  selected: number;
  ok: number;
  failed: number;
  skipped: number;
  upToDate: number;
  retryLater: number;
}

export interface FleetMigrateReport {
  target: string;
  startedAt: string;
  durationMs: number;
  concurrency: number;
  canary: number;
  lockTimeoutMs: number;
  /** Why the run stopped before the end, or null when every selected schema was attempted. */
  stopped: 'canary-failed' | 'interrupted' | null;
  summary: FleetMigrateSummary;
  results: TenantMigrateResult[];
}

export interface FleetProgress {
  /** The database this progress is about (the multi-database engine: the one that just reported). */
  database?: string;
  done: number;
  total: number;
  failed: number;
  wave: 'canary' | 'main';
}

/** How many schemas a run (on one database) will work on, known once its status was read. */
export interface FleetPlan {
  database?: string;
  selected: number;
  toMigrate: number;
  canary: number;
}

export interface MigrateFleetOptions {
  databaseUrl: string;
  ledger: FleetLedger;
  /** This database's name in the registry: only tenants the ledger places on it are migrated (see FleetReadOptions). */
  database?: string;
  /** Default: every tenant migration. Tests append fixtures here. */
  migrations?: readonly TenantMigration[];
  concurrency?: number;
  /** Schemas migrated first, all of which must succeed before the rest starts; 0 = no canary. */
  canary?: number;
  tenantIds?: readonly string[];
  /** Control statuses to include (default: all). */
  statuses?: readonly string[];
  lockTimeoutMs?: number;
  /** Schemas one connection migrates before it is replaced (default 1000). */
  schemasPerConnection?: number;
  /**
   * Control-ledger batching, when the ledger has `recordMany` (default: 100 entries or 200 ms,
   * whichever comes first). Without `recordMany` every schema is recorded on its own.
   */
  ledgerBatch?: LedgerWriterOptions;
  /** Abort = finish the schemas in flight, start no more (Ctrl-C). */
  signal?: AbortSignal;
  logger?: Logger;
  /** Called once the plan is known: how many schemas will be worked on. */
  onPlan?(plan: FleetPlan): void;
  onResult?(result: TenantMigrateResult, progress: FleetProgress): void;
}

/** migrate up's defaults, per database. */
export const MIGRATE_DEFAULTS = { concurrency: 4, canary: 5, lockTimeoutMs: 2000, schemasPerConnection: 1000 } as const;

interface WorkItem {
  status: SchemaStatus & { tenantId: string; tenantStatus: string };
  wave: 'canary' | 'main';
}

/**
 * Brings every selected tenant schema to the newest migration: a canary wave first, then the rest
 * `concurrency` at a time, one transaction per schema, then the control ledger (batched when the
 * ledger has `recordMany`; always after the schema committed).
 * Failures are per schema and never stop the others. Resumable: the plan is read from the schemas'
 * own tracking tables at every start, so a re-run continues where a crash or Ctrl-C stopped.
 */
export async function migrateFleet({
  databaseUrl,
  ledger,
  database,
  migrations = tenantMigrations,
  concurrency = MIGRATE_DEFAULTS.concurrency,
  canary = MIGRATE_DEFAULTS.canary,
  tenantIds,
  statuses,
  lockTimeoutMs = MIGRATE_DEFAULTS.lockTimeoutMs,
  schemasPerConnection = MIGRATE_DEFAULTS.schemasPerConnection,
  ledgerBatch,
  signal,
  logger,
  onPlan,
  onResult,
}: MigrateFleetOptions): Promise<FleetMigrateReport> {
  checkMigrateOptions({ concurrency, canary, lockTimeoutMs, migrations });
  const startedAt = new Date();
  const lock = await acquireFleetLock(databaseUrl);
  try {
    // A status reader opens one relation per schema: the status default (1000 schemas per backend,
    // ~26 MiB) unless the caller asked for less per connection.
    const fleet = await readFleetStatus({ databaseUrl, ledger, database, migrations, tenantIds, schemasPerConnection: Math.min(1000, schemasPerConnection * 10) });
    const placed = fleet.schemas.filter(isPlacedHere);
    if (tenantIds) {
      const found = new Set(placed.map((s) => s.tenantId));
      const unknown = tenantIds.filter((id) => !found.has(id));
      if (unknown.length > 0) throw usage(`tenant(s) not in the control ledger: ${unknown.join(', ')}`, 'TNT_ERR_TENANT_NOT_FOUND');
    }
    const wantedStatus = statuses ? new Set(statuses) : undefined;
    const selected = placed.filter(
      (s): s is WorkItem['status'] => s.tenantId !== null && (!wantedStatus || wantedStatus.has(s.tenantStatus!)),
    );

    const results = new Map<string, TenantMigrateResult>();
    const work: WorkItem[] = [];
    let canaryLeft = canary;
    for (const status of selected) {
      if (status.state === 'missing' || status.state === 'not-provisioned') {
        results.set(status.tenantId, skipped(status, 'no-schema'));
      } else if (status.moveTo) {
        results.set(status.tenantId, skipped(status, 'moving'));
      } else if (status.pending.length > 0) {
        work.push({ status, wave: canaryLeft-- > 0 ? 'canary' : 'main' });
      } else if (status.appliedVersion !== null && status.appliedVersion !== status.ledgerVersion) {
        work.push({ status, wave: 'main' }); // up to date, ledger behind: re-checked and recorded
      } else {
        results.set(status.tenantId, skipped(status, 'up-to-date'));
      }
    }
    const canaryItems = work.filter((item) => item.wave === 'canary');
    const mainItems = work.filter((item) => item.wave === 'main');
    onPlan?.({ ...(database === undefined ? {} : { database }), selected: selected.length, toMigrate: work.length, canary: canaryItems.length });
    logger?.info({ database, selected: selected.length, to_migrate: work.length, canary: canaryItems.length }, 'fleet migration planned');

    let stopped: FleetMigrateReport['stopped'] = null;
    if (work.length > 0) {
      // The ORM builds the migration classes and runs what the plain path cannot (see pg-schema-migrator.ts).
      const orm = await createFleetOrm({ databaseUrl, connections: concurrency, schemasPerConnection });
      const pgMigrator = new PgSchemaMigrator(orm, migrations, { databaseUrl, connections: concurrency, schemasPerConnection });
      const writer = new LedgerWriter(ledger, ledgerBatch);
      const progress: FleetProgress = { done: 0, total: work.length, failed: 0, wave: 'canary' };
      if (database !== undefined) progress.database = database;
      const report = (item: WorkItem, outcome: TenantMigrateResult) => {
        const result = stamped(outcome, database);
        results.set(item.status.tenantId, result);
        progress.done += 1;
        if (result.outcome === 'failed') progress.failed += 1;
        progress.wave = item.wave;
        if (result.outcome === 'failed') logger?.info({ tenant_id: result.tenantId, schema: result.schemaName, err: result.error }, 'tenant schema migration failed');
        onResult?.(result, { ...progress });
      };
      // A schema is reported once its ledger entry is written; with batching, the lane goes on to
      // the next schema meanwhile.
      const recording = new Set<Promise<void>>();
      let reportError: { error: unknown } | undefined;
      const run = async (item: WorkItem) => {
        const step = await migrateOne(item, { orm, pgMigrator, migrations, lockTimeoutMs });
        if (!('record' in step)) return report(item, step);
        const written = writer
          .write(item.status.tenantId, step.record)
          .then((outcome) => report(item, withLedger(step.result, outcome)))
          .catch((error: unknown) => {
            reportError ??= { error };
          });
        // Unbatched, the lane waits for its write, one schema after the other as before batching.
        if (!writer.batching) return written;
        recording.add(written);
        void written.then(() => recording.delete(written));
      };
      const settle = async () => {
        await writer.flush();
        await Promise.all([...recording]);
        if (reportError) throw reportError.error;
      };
      try {
        await runLimited(canaryItems, concurrency, run, signal);
        await settle();
        const canaryFailed = canaryItems.some((item) => results.get(item.status.tenantId)?.outcome === 'failed');
        if (canaryFailed) {
          stopped = 'canary-failed';
        } else if (!signal?.aborted) {
          await runLimited(mainItems, concurrency, run, signal);
        }
        await settle();
        if (!stopped && signal?.aborted) stopped = 'interrupted';
      } finally {
        // Whatever happened, committed schemas get their ledger entries before the connections close.
        await writer.flush().catch(() => undefined);
        await Promise.allSettled([...recording]);
        await Promise.allSettled([pgMigrator.close(), orm.close(true)]);
      }
      for (const item of work) {
        if (!results.has(item.status.tenantId)) results.set(item.status.tenantId, skipped(item.status, stopped ?? 'interrupted', item.wave));
      }
    }

    const ordered = selected.map((status) => stamped(results.get(status.tenantId)!, database));
    return {
      target: migrations[migrations.length - 1].name,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      concurrency,
      canary,
      lockTimeoutMs,
      stopped,
      summary: summarizeResults(ordered),
      results: ordered,
    };
  } finally {
    await lock.release();
  }
}

type MigrateStep = TenantMigrateResult | { result: TenantMigrateResult; record: string };

/**
 * One schema's transaction, through the plain-pg path (pg-schema-migrator.ts) or, for what that
 * path does not cover, MikroORM's migrator (migrateTenantSchema). Returns the final result, or the
 * result so far plus the version the control ledger must be told (`record`).
 */
async function migrateOne(
  { status, wave }: WorkItem,
  { orm, pgMigrator, migrations, lockTimeoutMs }: { orm: TenantSchemaOrm; pgMigrator: PgSchemaMigrator; migrations: readonly TenantMigration[]; lockTimeoutMs: number },
): Promise<MigrateStep> {
  const started = performance.now();
  const base = { tenantId: status.tenantId, schemaName: status.schemaName, tenantStatus: status.tenantStatus, wave };
  const elapsed = () => Math.round(performance.now() - started);
  let outcome: MigrateTenantSchemaResult | typeof NEEDS_ORM = NEEDS_ORM;
  try {
    if (await pgMigrator.canRun(status.pending)) outcome = await pgMigrator.migrate(status.schemaName, lockTimeoutMs);
    if (outcome === NEEDS_ORM) outcome = await migrateTenantSchema(orm, status.schemaName, { migrations, lockTimeoutMs });
  } catch (error) {
    return {
      ...base,
      outcome: 'failed',
      error: describeFailure(error),
      fromVersion: status.appliedVersion,
      schemaVersion: status.appliedVersion,
      applied: [],
      ledgerUpdated: false,
      durationMs: elapsed(),
    };
  }
  if (!outcome.found) return { ...skipped(status, 'no-schema', wave), durationMs: elapsed() };
  const changed = outcome.applied.length > 0;
  const result: TenantMigrateResult = {
    ...base,
    fromVersion: outcome.fromVersion,
    schemaVersion: outcome.schemaVersion,
    applied: outcome.applied,
    outcome: changed ? 'ok' : 'skipped',
    ...(changed ? {} : { reason: 'up-to-date' as const }),
    ledgerUpdated: false,
    durationMs: elapsed(),
  };
  if (outcome.schemaVersion !== null && outcome.schemaVersion !== status.ledgerVersion) return { result, record: outcome.schemaVersion };
  return result;
}

/** The result once the control ledger was written (or not): its share of the write counts in durationMs. */
function withLedger(result: TenantMigrateResult, { error, ms }: LedgerWriteOutcome): TenantMigrateResult {
  const durationMs = Math.round(result.durationMs + ms);
  if (error !== undefined) {
    // The schema is migrated and committed (it is the truth); only the ledger lags. A re-run
    // finds the schema up to date and the ledger behind, and records it then.
    const { message } = describeFailure(error);
    const { reason: _reason, ...rest } = result;
    return {
      ...rest,
      outcome: 'failed',
      error: { code: 'TNT_ERR_LEDGER_UPDATE_FAILED', message: `schema migrated, control ledger not updated: ${message}`, retryLater: true },
      ledgerUpdated: false,
      durationMs,
    };
  }
  const { reason: _reason, ...rest } = result;
  return { ...rest, outcome: 'ok', ledgerUpdated: true, durationMs };
}

/** The result with the database it ran on first, when the run was given one. */
function stamped(result: TenantMigrateResult, database: string | undefined): TenantMigrateResult {
  return database === undefined || result.database === database ? result : { database, ...result };
}

/** Refuses options no database could run with (before any database is touched). */
export function checkMigrateOptions({
  concurrency,
  canary,
  lockTimeoutMs,
  migrations,
}: {
  concurrency: number;
  canary: number;
  lockTimeoutMs: number;
  migrations: readonly TenantMigration[];
}): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw usage(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(canary) || canary < 0) throw usage(`canary must be 0 or a positive integer, got ${canary}`);
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1) throw usage(`lock timeout must be a positive number of milliseconds, got ${lockTimeoutMs}`);
  if (migrations.length === 0) throw usage('no tenant migrations given');
}

function skipped(status: WorkItem['status'], reason: SkipReason, wave: TenantMigrateResult['wave'] = null): TenantMigrateResult {
  return {
    tenantId: status.tenantId,
    schemaName: status.schemaName,
    tenantStatus: status.tenantStatus,
    outcome: 'skipped',
    reason,
    wave,
    fromVersion: status.appliedVersion,
    schemaVersion: status.appliedVersion,
    applied: [],
    ledgerUpdated: false,
    durationMs: 0,
  };
}

export function describeFailure(error: unknown): { code: string; message: string; retryLater: boolean } {
  if (error instanceof TenantSchemaError) return { code: error.code, message: error.message, retryLater: error.retriable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: (error as { code?: string })?.code ?? 'TNT_ERR_UNEXPECTED', message, retryLater: false };
}

export function summarizeResults(results: readonly TenantMigrateResult[]): FleetMigrateSummary {
  const summary: FleetMigrateSummary = { selected: results.length, ok: 0, failed: 0, skipped: 0, upToDate: 0, retryLater: 0 };
  for (const result of results) {
    summary[result.outcome] += 1;
    if (result.reason === 'up-to-date') summary.upToDate += 1;
    if (result.error?.retryLater) summary.retryLater += 1;
  }
  return summary;
}

export function usage(message: string, code = 'TNT_ERR_INVALID_FLEET_OPTIONS'): TenantSchemaError {
  return new TenantSchemaError(code, `migrate up: ${message}.`);
}
