import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_TENANT_ROLE_LIMITS } from '@tenantry/config';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { inspectTenant } from '../schema/index.ts';
import { qualifiedName, quoteIdentifier } from '../schema/index.ts';
import { lockTenantSchema } from '../schema/index.ts';
import { createTenantMigrator } from '../migrate/index.ts';
import { lockDownTenantDatabase, newTenantSchemaSql } from '../provision/index.ts';
import { createTenantSchemaOrm } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient } from './move-connection.ts';
import { TenantMoveError } from './move-errors.ts';

/** The source schema's migration version (its last tracking row). */
async function readSourceVersion(ctx: MoveContext): Promise<string> {
  const { schema } = ctx.names;
  const rows = await withMoveClient(ctx.plan.source.url, (client) =>
    queryRows<{ name: string }>(client, `select name from ${qualifiedName(schema, 'mikro_orm_migrations')} order by id desc limit 1`),
  );
  if (!rows[0]) throw new TenantMoveError('TNT_ERR_MOVE_UNKNOWN_VERSION', `Schema ${schema} on "${ctx.plan.source.name}" records no migration; provision it before moving it.`);
  return rows[0].name;
}

/** The known migrations up to and including `version`: the target is built at the source's version, not newer. */
export function migrationsUpTo(migrations: readonly TenantMigration[], version: string): TenantMigration[] {
  const last = migrations.findIndex((migration) => migration.name === version);
  if (last < 0) {
    throw new TenantMoveError(
      'TNT_ERR_MOVE_UNKNOWN_VERSION',
      `The source schema is at migration ${version}, which this code does not know; run the move from code that has that migration.`,
    );
  }
  return migrations.slice(0, last + 1);
}

async function truncateSchema(tx: EntityManager, schema: string): Promise<void> {
  const tables = await tx.execute<{ relname: string }[]>(
    `select relname from pg_class where relnamespace = (select oid from pg_namespace where nspname = ?) and relkind in ('r', 'p') order by relname`,
    [schema],
  );
  if (tables.length === 0) return;
  await tx.execute(`truncate table ${tables.map((t) => qualifiedName(schema, t.relname)).join(', ')}`);
}

/**
 * Target step 1, one transaction: the tenant's schema and role built from the migrations at the
 * source's version (as provisioning builds them, without the seed), then every table emptied, the
 * migration tracking table included: the initial copy brings the source's rows. A schema left by
 * an earlier attempt is dropped first (nothing serves from the target before the flip). The role
 * is created NOLOGIN on another server; on the same server it is the source's role, without USAGE
 * on the target schema until the flip.
 */
export async function prepareTarget(ctx: MoveContext): Promise<void> {
  const { schema, role } = ctx.names;
  const migrations = migrationsUpTo(ctx.plan.migrations ?? tenantMigrations, await readSourceVersion(ctx));
  const orm = await createTenantSchemaOrm({ databaseUrl: ctx.plan.target.url, poolMax: 1 });
  try {
    // The target becomes a tenant database (PUBLIC locked out) and the role joins its group; a role
    // that exists already (same server) keeps its limits, a new one gets the defaults.
    const group = await lockDownTenantDatabase(orm);
    await orm.em.fork().transactional(async (tx) => {
      await lockTenantSchema(tx, schema);
      const found = await inspectTenant(tx, schema, role);
      if (found.schema) await tx.execute(`drop schema ${quoteIdentifier(schema)} cascade`);
      const policy = { group, limits: found.role ? undefined : DEFAULT_TENANT_ROLE_LIMITS };
      await tx.execute(newTenantSchemaSql(schema, role, { roleExists: found.role, login: false, policy }));
      // Nothing may serve from the target before the flip: on another server the role cannot log
      // in; on the same server (a role with LOGIN) it gets USAGE on the schema only at the flip.
      if (ctx.sameServer) await tx.execute(`revoke usage on schema ${quoteIdentifier(schema)} from ${quoteIdentifier(role)}`);
      else if (found.role) await tx.execute(`alter role ${quoteIdentifier(role)} nologin`);
      const migrator = createTenantMigrator(tx, migrations, { trackingTable: 'created' });
      await migrator.up({ schema, transaction: tx.getTransactionContext() });
      await truncateSchema(tx, schema);
    });
  } finally {
    await orm.close(true);
  }
}
