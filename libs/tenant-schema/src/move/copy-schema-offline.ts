import { quoteIdentifier } from '../schema/index.ts';
import { lockDownTenantDatabase, newTenantRoleSql, rolePolicySql } from '../provision/index.ts';
import { createTenantSchemaOrm } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient } from './move-connection.ts';
import { dumpAndRestore, findPgBinDir } from './pg-tools.ts';

/**
 * Offline target step: on another server the tenant's role, NOLOGIN (the dump's grants name it);
 * on the same server the role is the source's. A schema an earlier attempt left is dropped when
 * the copy runs.
 */
export async function prepareOfflineTarget(ctx: MoveContext): Promise<void> {
  const { role, schema } = ctx.names;
  if (!ctx.sameServer) {
    await withMoveClient(ctx.plan.target.url, async (client) => {
      const exists = (await queryRows(client, 'select 1 from pg_roles where rolname = $1', [role])).length > 0;
      await client.query(exists ? `alter role ${quoteIdentifier(role)} nologin` : newTenantRoleSql(role, schema, { login: false }));
    });
  }
  await admitRoleToTarget(ctx);
}

/**
 * The target becomes a tenant database (PUBLIC locked out) and the tenant's role joins its group,
 * so it may connect there after the flip; its limits stay as they are (a new role got the defaults).
 */
async function admitRoleToTarget(ctx: MoveContext): Promise<void> {
  const orm = await createTenantSchemaOrm({ databaseUrl: ctx.plan.target.url, poolMax: 1 });
  try {
    const group = await lockDownTenantDatabase(orm);
    await orm.em.fork().execute(rolePolicySql(quoteIdentifier(ctx.names.role), { group }).join(';\n'));
  } finally {
    await orm.close(true);
  }
}

/**
 * Inside the freeze: the schema copied whole with pg_dump/pg_restore (rows, sequences, grants),
 * after dropping what an interrupted earlier copy left on the target (nothing serves from it
 * before the flip).
 */
export async function copySchemaOffline(ctx: MoveContext, { pgBinDir }: { pgBinDir?: string }): Promise<void> {
  const { schema, lockKey } = ctx.names;
  const binDir = pgBinDir ?? findPgBinDir();
  await withMoveClient(ctx.plan.target.url, async (client) => {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
    await client.query('commit');
  });
  await dumpAndRestore({ schema, sourceUrl: ctx.plan.source.url, targetUrl: ctx.plan.target.url, binDir, signal: ctx.signal });
}
