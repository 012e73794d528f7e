import type { EntityManager } from '@mikro-orm/postgresql';
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

/** The members `max_users` counts: every membership but a banned one. */
export async function countLimitedMembers(em: EntityManager, tenantId: string): Promise<number> {
  const [{ n }] = await em.execute<{ n: string }[]>(`select count(*)::text as n from memberships where tenant_id = ? and status <> 'banned'`, [tenantId]);
  return Number(n);
}
