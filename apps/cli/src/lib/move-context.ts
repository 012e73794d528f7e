// Loaded lazily by `tenants move` (see apps/cli/src/commands/tenants-move.ts): what a move needs, opened once.
import { MikroORM } from '@mikro-orm/postgresql';
import * as controlDb from '@tenantry/control-db';
import { openTenantDatabases } from '@tenantry/tenant-databases';
import * as moves from '@tenantry/tenant-moves';
import type { CliContext } from './context.ts';

export async function openMoveContext(ctx: CliContext) {
  const { databaseUrl, controlSchema } = ctx.config;
  const orm = await MikroORM.init(controlDb.controlOrmOptions({ databaseUrl, controlSchema, poolMax: 3 }));
  const databases = openTenantDatabases({ controlDatabaseUrl: databaseUrl, controlSchema, logger: ctx.logger });
  const deps = { orm, controlSchema, databases, logger: ctx.logger };
  const close = async () => {
    await databases.close();
    await orm.close(true);
  };
  return { deps, controlDb, moves, close };
}
