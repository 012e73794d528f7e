import { v7 as uuidv7 } from 'uuid';
import type { Pool } from 'pg';
import { openEvent, type SubjectKeyLookup } from '@tenantry/tenant-events';
import { subjectKeyReader } from '../subject-keys/index.ts';
import type { TenantEvent } from '@tenantry/tenant-events';
import type { ControlOrm } from '../orm/index.ts';
import { ConflictError } from '../errors.ts';

export interface PlanRecord {
  id: string;
  name: string;
  user_limit: number | null;
}

export async function listPlans(orm: ControlOrm): Promise<PlanRecord[]> {
  return orm.em
    .fork()
    .execute<PlanRecord[]>(`select id, name, user_limit from plans order by coalesce(user_limit, 2147483647), id`);
}

export interface TenantGroupRecord {
  id: string;
  name: string;
  created_at: string;
}

export async function createTenantGroup(orm: ControlOrm, name: string): Promise<TenantGroupRecord> {
  const rows = await orm.em
    .fork()
    .execute<TenantGroupRecord[]>(
      `insert into tenant_groups (id, name) values (?, ?) on conflict (name) do nothing returning id::text as id, name, created_at`,
      [uuidv7(), name],
    );
  if (!rows.length) throw new ConflictError('TNT_ERR_GROUP_NAME_TAKEN', 'name', `A tenant group named "${name}" already exists.`);
  return { ...rows[0], created_at: new Date(rows[0].created_at).toISOString() };
}

export async function listTenantGroups(orm: ControlOrm): Promise<TenantGroupRecord[]> {
  const rows = await orm.em.fork().execute<TenantGroupRecord[]>(`select id::text as id, name, created_at from tenant_groups order by name`);
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() }));
}

export async function tenantGroupExists(orm: ControlOrm, id: string): Promise<boolean> {
  const rows = await orm.em.fork().execute(`select 1 from tenant_groups where id = ?`, [id]);
  return rows.length > 0;
}

export interface UserMembership {
  tenant_id: string;
  tenant_name: string;
  tenant_slug: string;
  tenant_status: string;
  role: string;
  status: string;
  joined_at: string;
}

export async function listUserMemberships(orm: ControlOrm, userId: string): Promise<UserMembership[]> {
  const rows = await orm.em.fork().execute<Record<string, unknown>[]>(
    `select t.id::text as tenant_id, t.name as tenant_name, t.slug as tenant_slug, t.status as tenant_status,
            m.role, m.status, m.joined_at
       from memberships m join tenants t on t.id = m.tenant_id where m.user_id = ? order by m.joined_at`,
    [userId],
  );
  return rows.map((row) => ({ ...(row as unknown as UserMembership), joined_at: new Date(row.joined_at as string).toISOString() }));
}

export interface EventHistoryPage {
  data: TenantEvent[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null };
}

/** The tenant's events from the log, newest first; the cursor is the last version seen. */
/** The one key reader, on the ORM's own pool. */
async function subjectKeyLookupIn(orm: ControlOrm): Promise<SubjectKeyLookup> {
  return subjectKeyReader((await orm.em.getConnection().getNativeClient()) as Pool, orm.config.get('schema')!);
}

export async function listTenantEventHistory(
  orm: ControlOrm,
  tenantId: string,
  page: { limit: number; cursor?: string; offset?: number },
): Promise<EventHistoryPage> {
  const before = page.cursor === undefined ? null : Number.parseInt(page.cursor, 10);
  if (page.cursor !== undefined && (!/^\d{1,9}$/.test(page.cursor) || before === null)) {
    const { InvalidCursorError } = await import('../tenants/tenant-queries.ts');
    throw new InvalidCursorError('The cursor is not one this API issued; start again without it.');
  }
  const rows = await orm.em.fork().execute<{ event: TenantEvent; tenant_version: number }[]>(
    `select event, tenant_version from tenant_events where tenant_id = ? ${before !== null ? 'and tenant_version < ?' : ''}
      order by tenant_version desc limit ? offset ?`,
    before !== null ? [tenantId, before, page.limit + 1, 0] : [tenantId, page.limit + 1, page.offset ?? 0],
  );
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  // The log holds personal fields sealed (contract v2): shown opened to whoever may read the
  // history; what an erasure destroyed shows as null.
  const keys = await subjectKeyLookupIn(orm);
  return {
    data: await Promise.all(pageRows.map((row) => openEvent(row.event, keys))),
    pagination: {
      limit: page.limit,
      has_more: hasMore,
      next_cursor: hasMore ? String(pageRows[pageRows.length - 1].tenant_version) : null,
    },
  };
}
