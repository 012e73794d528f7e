import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import type { FleetEngine } from './fleet-engine.ts';
import type { FleetLedger } from './ledger.ts';
import { migrateFleet } from './migrate-fleet.ts';
import { readFleetStatus } from './read-fleet-status.ts';

/** A tenant database by name (`main`, ...) and how to reach it. The URL may hold a password: never print it. */
export interface FleetDatabase {
  name: string;
  url: string;
}

export interface DatabaseFleetEngineOptions {
  /** The database; without a name every ledger entry counts as placed on it (a one-database install). */
  database: FleetDatabase | { name?: undefined; url: string };
  ledger: FleetLedger;
  /** Default: every tenant migration. Tests append fixtures here. */
  migrations?: readonly TenantMigration[];
}

/** The fleet engine for one database: readFleetStatus and migrateFleet on it, for the tenants placed there. */
export function databaseFleetEngine({ database, ledger, migrations = tenantMigrations }: DatabaseFleetEngineOptions): FleetEngine {
  const target = { databaseUrl: database.url, database: database.name, ledger, migrations };
  return {
    readStatus: (request = {}) => readFleetStatus({ ...request, ...target }),
    migrate: (request = {}) => migrateFleet({ ...request, ...target }),
  };
}
