import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { controlOrmOptions, readSchemaLedger, recordSchemaVersion, recordSchemaVersions, type ControlOrm } from '@tenantry/control-db';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import type { FleetLedger } from '@tenantry/tenant-schema';
import { CliError } from './cli-error.ts';
import type { CliContext } from './context.ts';

export interface FleetContext {
  databaseUrl: string;
  ledger: FleetLedger;
  migrations: readonly TenantMigration[];
  close(): Promise<void>;
}

/**
 * What `migrate status|up` need: the database, the control ledger (read in bulk, written through
 * control-db's `recordSchemaVersions` in batches, or `recordSchemaVersion` one tenant at a time) and
 * the tenant migration list. Never creates the database or
 * the control schema: a CLI pointed at the wrong DATABASE_URL must say so, not build an empty one.
 */
export async function openFleetContext(ctx: CliContext, { migrationsModule }: { migrationsModule?: string } = {}): Promise<FleetContext> {
  const migrations = migrationsModule ? await loadMigrations(migrationsModule) : tenantMigrations;
  const { databaseUrl, controlSchema } = ctx.config;
  let control: ControlOrm;
  try {
    // ensureDatabase: MikroORM would otherwise CREATE DATABASE on connect when the name is wrong.
    control = await MikroORM.init({ ...controlOrmOptions({ databaseUrl, controlSchema, poolMax: 8 }), ensureDatabase: false });
    const [found] = await control.em.fork().execute<{ tenants: string | null }[]>('select to_regclass(?)::text as tenants', [`"${controlSchema}".tenants`]);
    if (!found?.tenants) {
      await control.close(true);
      throw new CliError(`No control schema "${controlSchema}" in ${redact(databaseUrl)}: check DATABASE_URL / CONTROL_SCHEMA, or start tenant-api once to apply the control migrations.`);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot reach the control database at ${redact(databaseUrl)}: ${(error as Error).message}`);
  }
  return {
    databaseUrl,
    migrations,
    ledger: {
      read: () => readSchemaLedger(control),
      record: (tenantId, schemaVersion) => recordSchemaVersion(control, tenantId, schemaVersion),
      // migrate up writes the ledger in batches: one control transaction per batch.
      recordMany: async (entries) => (await recordSchemaVersions(control, entries)).map((outcome) => ('error' in outcome ? outcome.error : null)),
    },
    close: () => control.close(true),
  };
}

/** For tests and rehearsals: a module exporting `tenantMigrations` (same shape as @tenantry/tenant-migrations). */
async function loadMigrations(path: string): Promise<readonly TenantMigration[]> {
  const module = (await import(pathToFileURL(resolve(process.cwd(), path)).href)) as { tenantMigrations?: unknown };
  const list = module.tenantMigrations;
  if (!Array.isArray(list) || list.length === 0 || !list.every((m) => typeof m?.name === 'string' && typeof m?.class === 'function')) {
    throw new CliError(`--migrations-module ${path} must export a non-empty tenantMigrations: { name, class }[]`);
  }
  return list as TenantMigration[];
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
