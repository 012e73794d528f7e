import type { ControlOrm } from '../orm/index.ts';

export interface TenantMemberCounts {
  total: number;
  active: number;
}

/** Memberships of a tenant (all, and active ones); null when the tenant does not exist. */
export async function readTenantMemberCounts(orm: ControlOrm, tenantId: string): Promise<TenantMemberCounts | null> {
  const [row] = await orm.em.fork().execute<{ total: string; active: string; exists: boolean }[]>(
    `select count(*)::text as total, count(*) filter (where status = 'active')::text as active,
            exists (select 1 from tenants where id = ?) as exists
       from memberships where tenant_id = ?`,
    [tenantId, tenantId],
  );
  return row.exists ? { total: Number(row.total), active: Number(row.active) } : null;
}
