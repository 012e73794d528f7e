import { Option } from 'commander';

/** The `migrate` command group, shared by migrate-status.ts and migrate-up.ts. */
export const MIGRATE_GROUP = ['migrate', 'Tenant schema migrations across the fleet'] as const;

/** Exit codes of `migrate` beyond 0/1/2 (apps/cli/README.md). */
export const MIGRATE_EXIT = {
  /** status: the control ledger and the schemas disagree (or a schema is missing / orphaned). */
  drift: 1,
  /** status: no drift, but migrations are pending: run `migrate up`. */
  pending: 3,
  /** up: stopped by Ctrl-C / SIGTERM after finishing the schemas in flight; run again to continue. */
  interrupted: 130,
} as const;

/** `--tenant a --tenant b,c` → ['a', 'b', 'c']. */
export function collectTenants(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((id) => id.trim()).filter(Boolean)];
}

/** Hidden on purpose: operators migrate with the shipped list; tests and rehearsals swap it. */
export function migrationsModuleOption(): Option {
  return new Option('--migrations-module <path>', 'load tenantMigrations from this module instead of @tenantry/tenant-migrations').hideHelp();
}

/** `--database <name>`: one tenant database of the registry instead of all of them. */
export function databaseOption(): Option {
  return new Option('--database <name>', 'only this tenant database (default: every database in the registry)');
}
