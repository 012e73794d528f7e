import type { FleetMigrateReport, MigrateFleetOptions } from './migrate-fleet.ts';
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

/**
 * What `migrate up` asks of an engine: migrateFleet's options less what the engine owns (the
 * database, ledger and migration list). Limits are per database: each database runs with its own.
 */
export type FleetMigrateRequest = Omit<MigrateFleetOptions, 'databaseUrl' | 'ledger' | 'database' | 'migrations'>;

/**
 * The fleet engines, one interface: read every tenant schema's status, bring every schema to the
 * newest migration. `databaseFleetEngine` does it on one database; `multiDatabaseFleetEngine` runs
 * one of those per tenant database, in parallel, and merges their reports.
 */
export interface FleetEngine<Status extends FleetStatus = FleetStatus, Report extends FleetMigrateReport = FleetMigrateReport> {
  readStatus(request?: FleetStatusRequest): Promise<Status>;
  migrate(request?: FleetMigrateRequest): Promise<Report>;
}
