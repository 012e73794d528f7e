import { readSchemaVersionIn } from './schema-catalog.ts';
import { schemaNameFor } from './tenant-names.ts';
import type { TenantSchemaOrm } from './tenant-schema-orm.ts';

/** Name of the last migration applied to the tenant's schema; null when not provisioned. */
export async function readSchemaVersion(orm: TenantSchemaOrm, tenantId: string): Promise<string | null> {
  return readSchemaVersionIn(orm.em.fork(), schemaNameFor(tenantId));
}
