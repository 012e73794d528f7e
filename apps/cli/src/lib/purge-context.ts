// Loaded lazily by `tenants purge` (see commands/tenants-purge.ts): what a purge needs, opened once.
import { MikroORM } from '@mikro-orm/postgresql';
import * as controlDb from '@tenantry/control-db';
import { openTenantDatabases } from '@tenantry/tenant-databases';
import * as purges from '@tenantry/tenant-purges';
import type { CliContext } from './context.ts';

export async function openPurgeContext(ctx: CliContext) {
  const { databaseUrl, controlSchema } = ctx.config;
  const orm = await MikroORM.init(controlDb.controlOrmOptions({ databaseUrl, controlSchema, poolMax: 3 }));
  const databases = openTenantDatabases({ controlDatabaseUrl: databaseUrl, controlSchema, logger: ctx.logger });
  const deps = { orm, databases, logger: ctx.logger };
  const close = async () => {
    await databases.close();
    await orm.close(true);
  };
  return { deps, controlDb, purges, close };
}
