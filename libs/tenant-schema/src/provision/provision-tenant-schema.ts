import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_TENANT_ROLE_LIMITS, type TenantRoleLimits } from '@tenantry/config';
import type { Logger } from '@tenantry/logger';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { inspectTenant, readTrackedVersion } from '../schema/index.ts';
import { TenantSchemaError } from '../errors.ts';
import { seedTenantSchema } from './seed-tenant-schema.ts';
import { claimSpareSchema } from './spare-schemas.ts';
import { lockTenantSchema } from '../schema/index.ts';
import { createTenantMigrator, trackingTableSql } from '../migrate/index.ts';
import { roleNameFor, schemaNameFor } from '../schema/index.ts';
import { ensureTenantRole, lockDownTenantDatabase, newTenantSchemaSql, type TenantRolePolicy } from './tenant-role.ts';
import type { TenantSchemaInput } from './tenant-input.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import { assertTenantInput } from './validate-tenant-input.ts';

export interface ProvisionTenantSchemaOptions {
  /** Migrations to apply; defaults to every tenant migration. Tests inject failing ones here. */
  migrations?: readonly TenantMigration[];
  logger?: Logger;
  /** LOGIN for a role this call creates (default true); an existing role keeps its state. */
  roleLogin?: boolean;
  /** Take a pre-built spare schema (spare-schemas.ts) for a new tenant when one exists (default false). */
  claimSpare?: boolean;
  /** Connection limit and timeouts of the tenant's role (TENANT_ROLE_* settings), applied to a new, existing or claimed role. */
  roleLimits?: TenantRoleLimits;
}

export interface ProvisionTenantSchemaResult {
  schemaName: string;
  roleName: string;
  /** Name of the last migration recorded in the schema. */
  schemaVersion: string;
  /** Migrations this call applied (empty when the schema was already up to date). */
  appliedMigrations: string[];
  durationMs: number;
  /** True when this call created the schema, false when it existed already. */
  created: boolean;
  /** True when the new schema is a spare renamed for the tenant. */
  fromSpare: boolean;
}

interface BuildContext {
  schemaName: string;
  roleName: string;
  tenant: TenantSchemaInput;
  migrations: readonly TenantMigration[];
  roleLogin: boolean;
  claimSpare: boolean;
  policy: TenantRolePolicy;
  log: Logger | undefined;
  /** The migration being applied, for the failure message (set while the migrator runs). */
  onMigration: (name: string | undefined) => void;
}

/**
 * The schema, its role and its tracking table, or a claimed spare holding all three. The tracking
 * table is made here, not by the migrator: MikroORM would first ask information_schema whether it
 * exists, a query that scans all of pg_class (slower with every tenant in the database), and then
 * information_schema.schemata. A new schema gets its role, default privileges and tracking table in
 * one round trip before the migrations.
 */
async function prepareSchema(tx: EntityManager, ctx: BuildContext) {
  const { schemaName, roleName, roleLogin: login, policy } = ctx;
  await lockTenantSchema(tx, schemaName);
  const found = await inspectTenant(tx, schemaName, roleName);
  const created = !found.schema;
  // A spare already holds every table, rights and tracking table (only when the role is new too:
  // the spare's role is renamed to the tenant's).
  const fromSpare = created && ctx.claimSpare && !found.role && (await claimSpareSchema(tx, schemaName, roleName, { login, policy }));
  if (created && !fromSpare) {
    await tx.execute(newTenantSchemaSql(schemaName, roleName, { roleExists: found.role, login, policy }));
  } else if (!created && !found.trackingTable) {
    await tx.execute(trackingTableSql(schemaName));
  }
  return { found, created, fromSpare };
}

/** Everything of one provisioning inside its transaction: schema, migrations, seed, role rights. */
async function buildTenantSchema(tx: EntityManager, ctx: BuildContext) {
  const { schemaName, roleName } = ctx;
  const { found, created, fromSpare } = await prepareSchema(tx, ctx);
  // Fresh migrator per attempt: see tenant-migrator.ts for the stale-cache trap it avoids.
  const migrator = createTenantMigrator(tx, ctx.migrations, { trackingTable: found.trackingTable || fromSpare ? 'exists' : 'created' });
  migrator.on('migrating', ({ name }) => {
    ctx.onMigration(name);
    ctx.log?.debug({ migration: name }, 'applying tenant migration');
  });
  const applied = await migrator.up({ schema: schemaName, transaction: tx.getTransactionContext() });
  ctx.onMigration(undefined);
  const seeded = await seedTenantSchema(tx, schemaName, ctx.tenant);
  // An existing schema gets every right re-asserted (its tables may predate the default privileges).
  const roleCreated = created
    ? !found.role
    : await ensureTenantRole(tx, schemaName, roleName, { login: ctx.roleLogin, exists: found.role, policy: ctx.policy });
  const schemaVersion = await readTrackedVersion(tx, schemaName);
  if (!schemaVersion) {
    throw new TenantSchemaError('TNT_ERR_SCHEMA_VERSION_MISSING', `Schema ${schemaName} has no recorded migration after provisioning.`);
  }
  return { created, fromSpare, applied: applied.map((m) => m.name), seeded, roleCreated, schemaVersion };
}

/**
 * Creates (or completes) a tenant's schema in ONE transaction: schema, role and grants, every
 * pending migration, and the seed rows. A failure anywhere rolls all of it back, so after a crash
 * the schema is either complete or absent and a retry starts clean. Idempotent: on an existing
 * schema it applies only pending migrations, re-asserts the role's grants and leaves data alone.
 */
export async function provisionTenantSchema(
  orm: TenantSchemaOrm,
  tenant: TenantSchemaInput,
  { migrations = tenantMigrations, logger, roleLogin = true, claimSpare = false, roleLimits = DEFAULT_TENANT_ROLE_LIMITS }: ProvisionTenantSchemaOptions = {},
): Promise<ProvisionTenantSchemaResult> {
  const started = performance.now();
  assertTenantInput(tenant);
  if (migrations.length === 0) {
    throw new TenantSchemaError('TNT_ERR_NO_TENANT_MIGRATIONS', 'No tenant migrations given; a tenant schema needs at least one.');
  }
  const schemaName = schemaNameFor(tenant.id);
  const roleName = roleNameFor(tenant.id);
  const log = logger?.child({ tenant_id: tenant.id, schema: schemaName });
  let currentMigration: string | undefined;

  try {
    const policy = { limits: roleLimits, group: await lockDownTenantDatabase(orm, roleLimits) };
    const ctx: BuildContext = { schemaName, roleName, tenant, migrations, roleLogin, claimSpare, policy, log, onMigration: (name) => (currentMigration = name) };
    const outcome = await orm.em.fork().transactional((tx) => buildTenantSchema(tx, ctx));
    const durationMs = Math.round(performance.now() - started);
    log?.info(
      { created: outcome.created, from_spare: outcome.fromSpare, seeded: outcome.seeded, role_created: outcome.roleCreated, applied: outcome.applied, schema_version: outcome.schemaVersion, duration_ms: durationMs },
      outcome.created ? 'tenant schema provisioned' : 'tenant schema up to date',
    );
    const { created, fromSpare, applied: appliedMigrations, schemaVersion } = outcome;
    return { schemaName, roleName, schemaVersion, appliedMigrations, durationMs, created, fromSpare };
  } catch (error) {
    if (error instanceof TenantSchemaError) {
      throw error;
    }
    const step = currentMigration ? `migration ${currentMigration}` : 'provisioning';
    const reason = error instanceof Error ? error.message : String(error);
    log?.error({ err: error, migration: currentMigration }, 'tenant schema provisioning failed; nothing was kept');
    // Retriable: the transaction rolled back as a whole, so trying again starts from a clean slate.
    throw new TenantSchemaError('TNT_ERR_PROVISIONING_FAILED', `Provisioning ${schemaName} failed in ${step} (rolled back, nothing kept): ${reason}`, {
      cause: error,
    });
  }
}
