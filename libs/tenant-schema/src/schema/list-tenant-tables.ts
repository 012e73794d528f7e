import { schemaNameFor } from './tenant-names.ts';
import type { TenantSchemaOrm } from './tenant-schema-orm.ts';

/** Names of the tables in the tenant's schema, sorted; empty when the schema does not exist. */
export async function listTenantTables(orm: TenantSchemaOrm, tenantId: string): Promise<string[]> {
  const rows = await orm.em
    .fork()
    .execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' order by table_name`,
      [schemaNameFor(tenantId)],
    );
  return rows.map((row) => row.table_name);
}
