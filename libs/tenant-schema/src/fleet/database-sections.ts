import { TenantSchemaError } from '../errors.ts';
import type { FleetLedgerEntry } from './ledger.ts';
import { describeFailure, summarizeResults, type FleetMigrateReport, type FleetMigrateSummary, type TenantMigrateResult } from './migrate-fleet.ts';
import { noDrift, type DriftKind, type FleetStatus, type FleetSummary } from './read-fleet-status.ts';

/** Why a whole database could not be read or migrated; its schemas fail with this, the others go on. */
export interface DatabaseFailure {
  /** `TNT_ERR_DATABASE_UNREACHABLE` when no connection could be made or kept; else the error's own code. */
  code: string;
  message: string;
  retryLater: boolean;
}

/** One database's part of `migrate status`. */
export interface DatabaseStatusSection {
  database: string;
  /** Selected tenants the ledger places on this database. */
  tenants: number;
  error: DatabaseFailure | null;
  summary: FleetSummary | null;
  reads: FleetStatus['reads'] | null;
}

/** `migrate status` over several databases: the totals, every schema (with its `database`), one section per database. */
export interface FleetStatusAcrossDatabases extends FleetStatus {
  databases: DatabaseStatusSection[];
}

/** One database's part of `migrate up`. */
export interface DatabaseMigrateSection {
  database: string;
  error: DatabaseFailure | null;
  stopped: FleetMigrateReport['stopped'];
  durationMs: number;
  summary: FleetMigrateSummary;
}

/** `migrate up` over several databases: totals and every schema's result (with its `database`), one section per database. */
export interface FleetMigrateReportAcrossDatabases extends FleetMigrateReport {
  databases: DatabaseMigrateSection[];
}

const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);
// Class 08 (connection exception), the server shutting down or starting, no such database, bad credentials.
const UNREACHABLE_SQLSTATE = /^(08...|57P0[123]|3D000|28000|28P01)$/;
const UNREACHABLE_MESSAGE = /connection terminated|connection timeout|timeout expired|not queryable|server closed the connection/i;

/** A database-wide failure as the report shows it; never carries the database URL. */
export function databaseFailure(database: string, error: unknown): DatabaseFailure {
  if (error instanceof TenantSchemaError) return { code: error.code, message: `${database}: ${error.message}`, retryLater: error.retriable };
  const { code, message } = describeFailure(error);
  if (UNREACHABLE_ERRNO.has(code) || UNREACHABLE_SQLSTATE.test(code) || UNREACHABLE_MESSAGE.test(message)) {
    return { code: 'TNT_ERR_DATABASE_UNREACHABLE', message: `database ${database} is unreachable: ${message}`, retryLater: true };
  }
  return { code: code === 'TNT_ERR_UNEXPECTED' ? 'TNT_ERR_DATABASE_FAILED' : code, message: `database ${database}: ${message}`, retryLater: false };
}

/** The report rows of a database that failed as a whole: each of its selected tenants, failed with the database's error. */
export function failedResults(database: string, entries: readonly FleetLedgerEntry[], failure: DatabaseFailure): TenantMigrateResult[] {
  return entries.map((entry) => ({
    database,
    tenantId: entry.tenantId,
    schemaName: entry.schemaName,
    tenantStatus: entry.status,
    outcome: 'failed',
    error: failure,
    wave: null,
    fromVersion: entry.schemaVersion,
    schemaVersion: entry.schemaVersion,
    applied: [],
    ledgerUpdated: false,
    durationMs: 0,
  }));
}

/** Totals of several databases' summaries (a failed database adds its tenants only). */
export function totalSummary(sections: readonly DatabaseStatusSection[], latest: string): FleetSummary {
  const total: FleetSummary = {
    tenants: 0,
    schemas: 0,
    upToDate: 0,
    pendingSchemas: 0,
    pendingMigrations: 0,
    notProvisioned: 0,
    drift: 0,
    driftByKind: noDrift(),
    byVersion: {},
    latest,
  };
  for (const section of sections) {
    total.tenants += section.tenants;
    const summary = section.summary;
    if (!summary) continue;
    for (const key of ['schemas', 'upToDate', 'pendingSchemas', 'pendingMigrations', 'notProvisioned', 'drift'] as const) total[key] += summary[key];
    for (const [kind, n] of Object.entries(summary.driftByKind)) total.driftByKind[kind as DriftKind] += n;
    for (const [version, n] of Object.entries(summary.byVersion)) total.byVersion[version] = (total.byVersion[version] ?? 0) + n;
  }
  return total;
}

/** How a multi-database run ended: interrupted anywhere wins, then a canary that failed anywhere. */
export function overallStop(sections: readonly DatabaseMigrateSection[], aborted: boolean): FleetMigrateReport['stopped'] {
  if (aborted || sections.some((s) => s.stopped === 'interrupted')) return 'interrupted';
  return sections.some((s) => s.stopped === 'canary-failed') ? 'canary-failed' : null;
}

/** One database's section of `migrate up`, from its report or from the failure that stopped it. */
export function migrateSection(database: string, outcome: { report: FleetMigrateReport } | { failure: DatabaseFailure; results: TenantMigrateResult[]; durationMs: number }): DatabaseMigrateSection {
  if ('report' in outcome) {
    const { report } = outcome;
    return { database, error: null, stopped: report.stopped, durationMs: report.durationMs, summary: report.summary };
  }
  return { database, error: outcome.failure, stopped: null, durationMs: outcome.durationMs, summary: summarizeResults(outcome.results) };
}
