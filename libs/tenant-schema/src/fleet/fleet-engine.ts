import type { Logger } from '@tenantry/logger';
import type { LedgerWriterOptions } from './ledger-writer.ts';
import type { FleetMigrateReport, FleetPlan, FleetProgress, TenantMigrateResult } from './migrate-fleet.ts';
import type { FleetStatus } from './read-fleet-status.ts';

/** What `migrate status` asks of an engine (the database, ledger and migration list are the engine's own). */
export interface FleetStatusRequest {
  /** Only these tenants (orphan schemas are then not reported). */
  tenantIds?: readonly string[];
  /** Tracking tables read per UNION ALL query (default 200). */
  batchSize?: number;
  /** Tenant schemas one backend may touch before it is replaced (default 1000). */
  schemasPerConnection?: number;
  /** Connections reading tracking tables at the same time, per database (default 3). */
  readers?: number;
}

/** What `migrate up` asks of an engine. Limits are per database: each database runs with its own. */
export interface FleetMigrateRequest {
  /** Schemas migrated at the same time on each database (default 4). */
  concurrency?: number;
  /** Schemas migrated first on each database, all of which must succeed before its rest starts (default 5; 0 = none). */
  canary?: number;
  tenantIds?: readonly string[];
  /** Control statuses to include (default: all). */
  statuses?: readonly string[];
  lockTimeoutMs?: number;
  schemasPerConnection?: number;
  ledgerBatch?: LedgerWriterOptions;
  /** Abort = finish the schemas in flight, start no more (Ctrl-C). */
  signal?: AbortSignal;
  logger?: Logger;
  /** Once per database, when its plan is known. */
  onPlan?(plan: FleetPlan): void;
  onResult?(result: TenantMigrateResult, progress: FleetProgress): void;
}

/**
 * The fleet engines, one interface: read every tenant schema's status, bring every schema to the
 * newest migration. `databaseFleetEngine` does it on one database; `multiDatabaseFleetEngine` runs
 * one of those per tenant database, in parallel, and merges their reports.
 */
export interface FleetEngine<Status extends FleetStatus = FleetStatus, Report extends FleetMigrateReport = FleetMigrateReport> {
  readStatus(request?: FleetStatusRequest): Promise<Status>;
  migrate(request?: FleetMigrateRequest): Promise<Report>;
}
