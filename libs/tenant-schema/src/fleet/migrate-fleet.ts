import type { Logger } from '@tenantry/logger';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { acquireFleetLock } from './lock.ts';
import type { FleetLedger } from './ledger.ts';
import type { LedgerWriterOptions } from './ledger-writer.ts';
import { readFleetStatus } from './read-fleet-status.ts';
import { planMigration } from './plan-migration.ts';
import { runWaves } from './run-waves.ts';
import { stamped, summarizeResults, usage, type FleetMigrateReport, type FleetPlan, type FleetProgress, type TenantMigrateResult } from './migrate-results.ts';

export type {
  TenantMigrateOutcome,
  SkipReason,
  TenantMigrateResult,
  FleetMigrateSummary,
  FleetMigrateReport,
  FleetProgress,
  FleetPlan,
} from './migrate-results.ts';
export { describeFailure, summarizeResults, usage } from './migrate-results.ts';

export interface MigrateFleetOptions {
  databaseUrl: string;
  ledger: FleetLedger;
  /** This database's name in the registry: only tenants the ledger places on it are migrated (see FleetReadOptions). */
  database?: string;
  /** Default: every tenant migration. Tests append fixtures here. */
  migrations?: readonly TenantMigration[];
  /** Schemas migrated at the same time (default 4). */
  concurrency?: number;
  /** Schemas migrated first, all of which must succeed before the rest starts (default 5; 0 = none). */
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
  /** Called once the plan is known (once per database): how many schemas will be worked on. */
  onPlan?(plan: FleetPlan): void;
  onResult?(result: TenantMigrateResult, progress: FleetProgress): void;
}

/** migrate up's defaults, per database. */
export const MIGRATE_DEFAULTS = { concurrency: 4, canary: 5, lockTimeoutMs: 2000, schemasPerConnection: 1000 } as const;

/**
 * Brings every selected tenant schema to the newest migration: a canary wave first, then the rest
 * `concurrency` at a time, one transaction per schema, then the control ledger (batched when the
 * ledger has `recordMany`; always after the schema committed).
 * Failures are per schema and never stop the others. Resumable: the plan is read from the schemas'
 * own tracking tables at every start, so a re-run continues where a crash or Ctrl-C stopped.
 */
export async function migrateFleet(options: MigrateFleetOptions): Promise<FleetMigrateReport> {
  const {
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
    logger,
  } = options;
  checkMigrateOptions({ concurrency, canary, lockTimeoutMs, migrations });
  const startedAt = new Date();
  const lock = await acquireFleetLock(databaseUrl);
  try {
    // A status reader opens one relation per schema: the status default (1000 schemas per backend,
    // ~26 MiB) unless the caller asked for less per connection.
    const fleet = await readFleetStatus({ databaseUrl, ledger, database, migrations, tenantIds, schemasPerConnection: Math.min(1000, schemasPerConnection * 10) });
    const plan = planMigration(fleet.schemas, { tenantIds, statuses, canary });
    const toMigrate = plan.canaryItems.length + plan.mainItems.length;
    options.onPlan?.({ ...(database === undefined ? {} : { database }), selected: plan.selected.length, toMigrate, canary: plan.canaryItems.length });
    logger?.info({ database, selected: plan.selected.length, to_migrate: toMigrate, canary: plan.canaryItems.length }, 'fleet migration planned');

    const stopped =
      toMigrate === 0
        ? null
        : await runWaves(plan, { ...options, migrations, concurrency, lockTimeoutMs, schemasPerConnection });

    const ordered = plan.selected.map((status) => stamped(plan.results.get(status.tenantId)!, database));
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

