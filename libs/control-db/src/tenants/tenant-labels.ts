import type { ControlOrm } from '../orm/index.ts';
import { queryNative } from '../orm/index.ts';

/** What names a tenant in a report: id, name, slug and the database it lives on now. */
export interface TenantLabel {
  id: string;
  name: string;
  slug: string;
  database: string;
}

/** Labels of the given tenants that exist and are not purged, keyed by id. */
export async function readTenantLabels(orm: ControlOrm, tenantIds: string[]): Promise<Map<string, TenantLabel>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await queryNative<TenantLabel>(
    orm,
    `select id::text as id, name, slug, database from tenants where id = any ($1::uuid[]) and status <> 'purged'`,
    [tenantIds],
  );
  return new Map(rows.map((row) => [row.id, row]));
}
