import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { controlOrmOptions, hasControlSchema, readSchemaLedger, recordSchemaVersion, recordSchemaVersions, type ControlOrm } from '@tenantry/control-db';
import { redactUrlPassword } from '@tenantry/logger';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import type { FleetDatabase, FleetLedger } from '@tenantry/tenant-schema';
import { CliError } from './cli-error.ts';
import type { CliContext } from './context.ts';

export interface FleetContext {
  /** The tenant databases the command covers: the registry (`main` = DATABASE_URL), or the one `--database` names. */
  databases: FleetDatabase[];
  ledger: FleetLedger;
  migrations: readonly TenantMigration[];
  close(): Promise<void>;
}

/**
 * What `migrate status|up` need: the tenant databases (control-db's registry), the control ledger
 * (read in bulk with each tenant's placement, written through control-db's `recordSchemaVersions`
 * in batches, or `recordSchemaVersion` one tenant at a time) and the tenant migration list. Never
 * creates the database or the control schema: a CLI pointed at the wrong DATABASE_URL must say so,
 * not build an empty one.
 */
export async function openFleetContext(ctx: CliContext, { migrationsModule, database }: { migrationsModule?: string; database?: string } = {}): Promise<FleetContext> {
  const migrations = migrationsModule ? await loadMigrations(migrationsModule) : tenantMigrations;
  const { databaseUrl, controlSchema } = ctx.config;
  let control: ControlOrm;
  try {
    // ensureDatabase: MikroORM would otherwise CREATE DATABASE on connect when the name is wrong.
    control = await MikroORM.init({ ...controlOrmOptions({ databaseUrl, controlSchema, poolMax: 8 }), ensureDatabase: false });
    if (!(await hasControlSchema(control, controlSchema))) {
      await control.close(true);
      throw new CliError(`No control schema "${controlSchema}" in ${redactUrlPassword(databaseUrl)}: check DATABASE_URL / CONTROL_SCHEMA, or start tenant-api once to apply the control migrations.`);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot reach the control database at ${redactUrlPassword(databaseUrl)}: ${(error as Error).message}`);
  }
  let databases: FleetDatabase[];
  try {
    databases = await registeredDatabases(ctx, database);
  } catch (error) {
    await control.close(true);
    throw error;
  }
  return {
    databases,
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

/** The registry as the fleet engine takes it (tenant-databases resolves `main` to DATABASE_URL); `only` narrows it to one name. */
async function registeredDatabases(ctx: CliContext, only: string | undefined): Promise<FleetDatabase[]> {
  const { openTenantDatabases } = await import('@tenantry/tenant-databases');
  const directory = openTenantDatabases({ controlDatabaseUrl: ctx.config.databaseUrl, controlSchema: ctx.config.controlSchema });
  let databases: FleetDatabase[];
  try {
    databases = (await directory.list()).map(({ name, url }) => ({ name, url }));
  } catch (error) {
    if ((error as { code?: string }).code !== '42P01') throw error;
    throw new CliError(`The control schema "${ctx.config.controlSchema}" has no tenant database registry yet: start tenant-api once to apply the control migrations.`);
  } finally {
    await directory.close();
  }
  if (only === undefined) return databases;
  const chosen = databases.filter((d) => d.name === only);
  if (chosen.length === 0) throw new CliError(`--database ${JSON.stringify(only)} is not a registered tenant database (registered: ${databases.map((d) => d.name).join(', ')}).`);
  return chosen;
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
