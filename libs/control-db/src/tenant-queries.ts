import type { TenantMember, TenantSnapshot } from '@tenantry/tenant-events';
import type { ControlOrm } from './control-orm.ts';
import { Plan, Tenant, type TenantRow } from './entities/index.ts';
import { toTenantSnapshot } from './tenant-snapshot.ts';
import { MEMBER_COLUMNS, toMember } from './member-row.ts';

export type Member = TenantMember;

export interface TenantListFilter {
  /** Restrict to tenants this user belongs to (non-superusers); adds `user_role`. */
  memberUserId?: string;
  status?: string;
  business_type?: string;
  group_id?: string;
  name?: string;
  q?: string;
}

export interface TenantPage {
  data: (TenantSnapshot & { user_role?: string })[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null };
}

export class InvalidCursorError extends Error {
  readonly code = 'TNT_ERR_INVALID_CURSOR';
}

async function planLimits(orm: ControlOrm): Promise<Map<string, number | null>> {
  const plans = await orm.em.fork().find(Plan, {});
  return new Map(plans.map((plan) => [plan.id, plan.user_limit ?? null]));
}

export async function getTenant(orm: ControlOrm, id: string): Promise<TenantSnapshot | null> {
  const em = orm.em.fork();
  const row = await em.findOne(Tenant, id);
  if (!row) return null;
  const plan = await em.findOneOrFail(Plan, row.plan_id);
  return toTenantSnapshot(row, plan.user_limit ?? null);
}

export async function listMembers(orm: ControlOrm, tenantId: string): Promise<Member[]> {
  const rows = await orm.em.fork().execute<Record<string, unknown>[]>(
    `select ${MEMBER_COLUMNS}
       from memberships m join users u on u.id = m.user_id
      where m.tenant_id = ? order by m.joined_at, u.email`,
    [tenantId],
  );
  return rows.map(toMember);
}

/** The caller's role in a tenant, or null when not an active-or-passive member. Banned members have none. */
export async function memberRole(orm: ControlOrm, tenantId: string, userId: string): Promise<string | null> {
  const rows = await orm.em.fork().execute<{ role: string }[]>(
    `select role from memberships where tenant_id = ? and user_id = ? and status <> 'banned'`,
    [tenantId, userId],
  );
  return rows[0]?.role ?? null;
}

/** Whether the tenant exists and the user's role in it (null when not a member or banned), in one query. */
export async function tenantAccessOf(orm: ControlOrm, tenantId: string, userId: string): Promise<{ exists: boolean; role: string | null }> {
  const rows = await orm.em.fork().execute<{ exists: boolean; role: string | null }[]>(
    `select exists (select 1 from tenants where id = ?) as exists,
            (select role from memberships where tenant_id = ? and user_id = ? and status <> 'banned') as role`,
    [tenantId, tenantId, userId],
  );
  return { exists: Boolean(rows[0]?.exists), role: rows[0]?.role ?? null };
}

function encodeCursor(row: { created_at: unknown; id: string }): string {
  return Buffer.from(JSON.stringify([new Date(row.created_at as string).toISOString(), row.id])).toString('base64url');
}

const CURSOR_TIME = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only what encodeCursor makes gets through: anything else would reach PostgreSQL's casts and fail there. */
function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      CURSOR_TIME.test(value[0]) &&
      !Number.isNaN(Date.parse(value[0])) &&
      new Date(value[0]).toISOString() === value[0] &&
      typeof value[1] === 'string' &&
      CURSOR_ID.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('The cursor is not one this API issued; start again without it.');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterSql(filter: TenantListFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.memberUserId) {
    where.push(`m.user_id = ?`);
    params.push(filter.memberUserId);
  }
  for (const key of ['status', 'business_type', 'group_id'] as const) {
    if (filter[key] !== undefined) {
      where.push(`t.${key} = ?`);
      params.push(filter[key]);
    }
  }
  if (filter.name) {
    where.push(`lower(t.name) like ? escape '\\'`);
    params.push(`${escapeLike(filter.name.toLowerCase())}%`);
  }
  if (filter.q) {
    // Matches the trigram index expression so large fleets stay fast.
    where.push(`(t.name || ' ' || t.slug || ' ' || coalesce(t.description, '')) ilike ? escape '\\'`);
    params.push(`%${escapeLike(filter.q)}%`);
  }
  return { where, params };
}

function fromSql(filter: TenantListFilter): string {
  return filter.memberUserId
    ? `tenants t join memberships m on m.tenant_id = t.id and m.status <> 'banned'`
    : `tenants t`;
}

/** Newest first, stable: ordered by (created_at, id) descending; keyset cursor or offset. */
export async function listTenants(
  orm: ControlOrm,
  filter: TenantListFilter,
  page: { limit: number; cursor?: string; offset?: number },
): Promise<TenantPage> {
  const { where, params } = filterSql(filter);
  if (page.cursor) {
    const [createdAt, id] = decodeCursor(page.cursor);
    where.push(`(t.created_at, t.id) < (?::timestamptz, ?::uuid)`);
    params.push(createdAt, id);
  }
  const select = filter.memberUserId ? `t.*, m.role as user_role` : `t.*`;
  const sql = `select ${select} from ${fromSql(filter)} ${where.length ? `where ${where.join(' and ')}` : ''}
    order by t.created_at desc, t.id desc limit ? offset ?`;
  const rows = await orm.em
    .fork()
    .execute<(TenantRow & { user_role?: string })[]>(sql, [...params, page.limit + 1, page.cursor ? 0 : (page.offset ?? 0)]);
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  const limits = await planLimits(orm);
  return {
    data: pageRows.map((row) => {
      const snapshot = toTenantSnapshot(row, limits.get(row.plan_id) ?? null);
      return row.user_role ? { ...snapshot, user_role: row.user_role } : snapshot;
    }),
    pagination: {
      limit: page.limit,
      has_more: hasMore,
      next_cursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]) : null,
    },
  };
}

export async function countTenants(orm: ControlOrm, filter: TenantListFilter): Promise<number> {
  const { where, params } = filterSql(filter);
  const rows = await orm.em
    .fork()
    .execute<{ count: string }[]>(
      `select count(*) as count from ${fromSql(filter)} ${where.length ? `where ${where.join(' and ')}` : ''}`,
      params,
    );
  return Number(rows[0].count);
}
