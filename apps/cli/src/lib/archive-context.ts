// Loaded lazily by `tenants export|import` (see commands/tenants-export.ts): what an archive needs, opened once.
import { MikroORM } from '@mikro-orm/postgresql';
import { controlOrmOptions } from '@tenantry/control-db';
import * as archive from '@tenantry/tenant-archive';
import { openTenantDatabases } from '@tenantry/tenant-databases';
import type { CliContext } from './context.ts';

export async function openArchiveContext(ctx: CliContext) {
  const { databaseUrl, controlSchema } = ctx.config;
  const orm = await MikroORM.init(controlOrmOptions({ databaseUrl, controlSchema, poolMax: 3 }));
  const databases = openTenantDatabases({ controlDatabaseUrl: databaseUrl, controlSchema, logger: ctx.logger });
  const deps: archive.TenantArchiveDeps = { orm, databases, logger: ctx.logger };
  const close = async () => {
    await databases.close();
    await orm.close(true);
  };
  return { deps, archive, close };
}
