// The fleet engines (`migrate status|up`): one interface, an engine per database, a runner over many.
export type { FleetEngine, FleetStatusRequest, FleetMigrateRequest } from './fleet-engine.ts';
export { databaseFleetEngine } from './database-engine.ts';
export type { FleetDatabase, DatabaseFleetEngineOptions } from './database-engine.ts';
export { multiDatabaseFleetEngine } from './multi-database-engine.ts';
export type { MultiDatabaseFleetEngineOptions } from './multi-database-engine.ts';
export type {
  DatabaseFailure,
  DatabaseStatusSection,
  DatabaseMigrateSection,
  FleetStatusAcrossDatabases,
  FleetMigrateReportAcrossDatabases,
} from './database-sections.ts';
export { readFleetStatus, compareFleet } from './read-fleet-status.ts';
export type { FleetStatus, FleetSummary, FleetReadOptions, SchemaStatus, SchemaState, DriftKind } from './read-fleet-status.ts';
export { migrateFleet, MIGRATE_DEFAULTS } from './migrate-fleet.ts';
export type {
  MigrateFleetOptions,
  FleetMigrateReport,
  FleetMigrateSummary,
  FleetPlan,
  TenantMigrateResult,
  TenantMigrateOutcome,
  SkipReason,
  FleetProgress,
} from './migrate-fleet.ts';
export { PROVISIONED_STATUSES } from './ledger.ts';
export type { FleetLedger, FleetLedgerEntry, FleetLedgerWrite } from './ledger.ts';
