import type { TenantDatabases, TenantSchemaOrm } from '@tenantry/tenant-databases';
import { MAIN_TENANT_DATABASE, tenantDatabaseOf, type TenantEvent } from '@tenantry/tenant-events';
import { TenantDatabaseUnreachableError, isDatabaseUnreachable } from './database-outage.ts';

/**
 * The database the event's tenant lives on NOW: its placement in the control schema (a move may
 * have happened since the event was written), else the event's `database` (a tenant the control
 * schema does not know: a worker run without one), else `main`.
 */
export async function currentTenantDatabase(databases: TenantDatabases, event: TenantEvent): Promise<string> {
  let placed: string | null;
  try {
    placed = await databases.placementOf(event.subject);
  } catch (error) {
    throw isDatabaseUnreachable(error) ? new TenantDatabaseUnreachableError(MAIN_TENANT_DATABASE, error) : error;
  }
  if (placed) return placed;
  const { tenant } = event.data as { tenant?: { database?: string } };
  return tenant ? tenantDatabaseOf(tenant) : MAIN_TENANT_DATABASE;
}

/**
 * Runs `work` on the tenant's current database. A failure because that database cannot be
 * reached comes out as TenantDatabaseUnreachableError naming it (waitOutDatabaseOutages holds
 * only this message; other tenants go on).
 */
export async function onTenantDatabase<T>(
  databases: TenantDatabases,
  event: TenantEvent,
  work: (orm: TenantSchemaOrm, database: string) => Promise<T>,
): Promise<T> {
  const database = await currentTenantDatabase(databases, event);
  try {
    return await databases.use(database, (orm) => work(orm, database));
  } catch (error) {
    throw isDatabaseUnreachable(error) && !(error instanceof TenantDatabaseUnreachableError) ? new TenantDatabaseUnreachableError(database, error) : error;
  }
}
