// What a fleet migration reports, per schema and in sum, and the small rules that build those results.
import type { ErrorCode } from '@tenantry/errors';
import { TenantSchemaError } from '../errors.ts';
import type { LedgerWriteOutcome } from './ledger-writer.ts';
import type { SchemaStatus } from './read-fleet-status.ts';

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

export interface WorkItem {
  status: SchemaStatus & { tenantId: string; tenantStatus: string };
  wave: 'canary' | 'main';
}

/** The result once the control ledger was written (or not): its share of the write counts in durationMs. */
export function withLedger(result: TenantMigrateResult, { error, ms }: LedgerWriteOutcome): TenantMigrateResult {
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
export function stamped(result: TenantMigrateResult, database: string | undefined): TenantMigrateResult {
  return database === undefined || result.database === database ? result : { database, ...result };
}

export function skipped(status: WorkItem['status'], reason: SkipReason, wave: TenantMigrateResult['wave'] = null): TenantMigrateResult {
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

export function usage(message: string, code: ErrorCode = 'TNT_ERR_INVALID_FLEET_OPTIONS'): TenantSchemaError {
  return new TenantSchemaError(code, `migrate up: ${message}.`);
}
