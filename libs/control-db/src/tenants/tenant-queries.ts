import { TenantryError } from '@tenantry/errors';
import type { TenantMember, TenantMoveStatus, TenantSnapshot } from '@tenantry/tenant-events';
import type { ControlOrm } from '../orm/index.ts';
import type { TenantRow } from '../entities/index.ts';
import { MEMBER_COLUMNS, callerColumns, membershipGrantsAccess, openMoveSql, toCaller, toMember, toTenantSnapshot, type CallerColumns, type CallerRecord } from '../rows/index.ts';
import { queryNative } from '../orm/index.ts';

export type Member = TenantMember;

export interface TenantListFilter {
  /** Restrict to tenants this user belongs to (non-superusers); adds `user_role`. */
  memberUserId?: string;
  status?: string;
  business_type?: string;
  group_id?: string;
  /** Tenants placed on this tenant database. */
  database?: string;
  name?: string;
  q?: string;
}

export interface TenantPage {
  data: (TenantSnapshot & { user_role?: string })[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null };
}

export class InvalidCursorError extends TenantryError {
  constructor(message: string) {
    super('TNT_ERR_INVALID_CURSOR', message);
  }
}

/** Every tenant column, explicitly (prepared statements must not depend on `*`), plus the plan's user limit and the open move. */
export const TENANT_COLUMNS = `t.id, t.name, t.slug, t.description, t.business_type, t.status, t.schema_name, t.schema_version,
  t.rut, t.address, t.commune, t.city, t.post_code, t.country_code, t.giro, t.billing_day, t.economic_activities, t.plan_id,
  t.user_limit, t.group_id, t.settings, t.version, t.created_at, t.updated_at, t.database, p.user_limit as plan_user_limit,
  ${openMoveSql('t.id')} as move`;

export type TenantColumns = TenantRow & { plan_user_limit: number | null; move: TenantMoveStatus | null };

/** ISO 8601 UTC with milliseconds, exactly what `new Date(text).toISOString()` makes of the timestamp. */
const isoUtc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The members of tenant `t` as a JSON array shaped like `toMember`, ordered like `listMembers`. */
const MEMBERS_JSON = `(select coalesce(json_agg(json_build_object(
      'user_id', m.user_id::text, 'email', u.email, 'first_name', u.first_name, 'last_name', u.last_name, 'role', m.role,
      'status', m.status, 'joined_at', ${isoUtc('m.joined_at')}, 'last_login_at', ${isoUtc('m.last_login_at')})
      order by m.joined_at, u.email), '[]'::json)
   from memberships m join users u on u.id = m.user_id where m.tenant_id = t.id)`;

export type TenantWithMembers = TenantSnapshot & { members: Member[] };

export interface TenantRead {
  /** The token's user (null: no such user), read in the same statement as the tenant. */
  caller: CallerRecord | null;
  /** The caller's role in the tenant; null when not a member, or a passive or banned one. */
  role: string | null;
  /** Null when the tenant does not exist. */
  tenant: TenantWithMembers | null;
}

const readTenantSql = (tidParam: string | null) => `select c.*,
       (select a.role from memberships a where a.tenant_id = $1 and a.user_id = $2 and ${membershipGrantsAccess('a')}) as access_role,
       ${TENANT_COLUMNS}, ${MEMBERS_JSON} as members
  from (select 1) one
  left join (select ${callerColumns(tidParam)} from users u where u.id = $2) c on true
  left join tenants t on t.id = $1
  left join plans p on p.id = t.plan_id`;
const READ_TENANT = readTenantSql(null);
const READ_TENANT_WITH_TID = readTenantSql('$3::uuid');

/**
 * GET /v1/tenants/{id} in one round trip: the caller's user row and `tid` role (the authentication
 * check), the caller's role in the tenant (the access check), the tenant with its plan's limit, and
 * its members. The caller decides what the caller may see; this only reads.
 */
export async function readTenantAs(orm: ControlOrm, input: { tenantId: string; callerId: string; tid: string | null }): Promise<TenantRead> {
  type Row = CallerColumns & { access_role: string | null } & Partial<TenantColumns> & { members: Member[] | null };
  const rows =
    input.tid === null
      ? await queryNative<Row>(orm, READ_TENANT, [input.tenantId, input.callerId], 'tenantry_read_tenant')
      : await queryNative<Row>(orm, READ_TENANT_WITH_TID, [input.tenantId, input.callerId, input.tid], 'tenantry_read_tenant_tid');
  const row = rows[0];
  const tenant = row?.id ? { ...toTenantSnapshot(row as TenantColumns, row.plan_user_limit ?? null, row.move ?? null), members: row.members ?? [] } : null;
  return { caller: toCaller(row), role: row?.access_role ?? null, tenant };
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

/** The caller's role in a tenant, or null when not a member or a passive or banned one. */
export async function memberRole(orm: ControlOrm, tenantId: string, userId: string): Promise<string | null> {
  const rows = await orm.em.fork().execute<{ role: string }[]>(
    `select role from memberships m where tenant_id = ? and user_id = ? and ${membershipGrantsAccess('m')}`,
    [tenantId, userId],
  );
  return rows[0]?.role ?? null;
}

export interface TenantAccess {
  exists: boolean;
  /** The user's role; null when not a member, or a passive or banned one. */
  role: string | null;
  /** The tenant's status; null when it does not exist. */
  status: string | null;
}

/** Whether the tenant exists, its status and the user's role in it, in one query. */
export async function tenantAccessOf(orm: ControlOrm, tenantId: string, userId: string): Promise<TenantAccess> {
  const rows = await queryNative<{ status: string | null; role: string | null }>(
    orm,
    `select (select status from tenants where id = $1) as status,
            (select role from memberships m where m.tenant_id = $1 and m.user_id = $2 and ${membershipGrantsAccess('m')}) as role`,
    [tenantId, userId],
    'tenantry_tenant_access',
  );
  const status = rows[0]?.status ?? null;
  return { exists: status !== null, role: rows[0]?.role ?? null, status };
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

/** WHERE terms of the list filters; `param` adds a value and returns its placeholder. */
function filterSql(filter: TenantListFilter, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (filter.memberUserId) where.push(`m.user_id = ${param(filter.memberUserId)}`);
  for (const key of ['status', 'business_type', 'group_id', 'database'] as const) {
    if (filter[key] !== undefined) where.push(`t.${key} = ${param(filter[key])}`);
  }
  if (filter.name) where.push(`lower(t.name) like ${param(`${escapeLike(filter.name.toLowerCase())}%`)} escape '\\'`);
  if (filter.q) {
    // Matches the trigram index expression so large fleets stay fast.
    where.push(`(t.name || ' ' || t.slug || ' ' || coalesce(t.description, '')) ilike ${param(`%${escapeLike(filter.q)}%`)} escape '\\'`);
  }
  return where;
}

function fromSql(filter: TenantListFilter): string {
  return filter.memberUserId
    ? `tenants t join memberships m on m.tenant_id = t.id and ${membershipGrantsAccess('m')}`
    : `tenants t`;
}

/** `$1`, `$2`, … in the order values are added. */
function positional(params: unknown[]): (value: unknown) => string {
  return (value) => `$${params.push(value)}`;
}

/**
 * A statement name per distinct SQL text. The text depends only on which filters are present, the
 * limit (1..100), tid and scope; the usual shapes are few, but a client could walk through thousands,
 * and every prepared statement stays in each pool connection's backend for the connection's life.
 * So at most MAX_NAMED_SHAPES shapes get a name; any other is sent unnamed (planned per call).
 */
const MAX_NAMED_SHAPES = 100;
const statementNames = new Map<string, string>();
function statementName(prefix: string, text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_NAMED_SHAPES) {
    name = `${prefix}_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

export interface TenantPageRead {
  /** The token's user (null: no such user), read in the same statement as the page. */
  caller: CallerRecord | null;
  /** Whether the page was read with a superuser's scope (all tenants) or the caller's memberships. */
  superuserScope: boolean;
  /** Empty when the caller does not exist or is disabled. */
  page: TenantPage;
}

/**
 * One page of tenants, newest first, stable: ordered by (created_at, id) descending; keyset cursor or
 * offset. One round trip: the caller's user row and `tid` role come with the page, which is read with
 * the scope asked for (`superuserScope`: all tenants; otherwise the caller's memberships, with
 * `user_role`). The scope the caller really has is in `caller.superuser`: when it differs (the token's
 * claim is out of date), read again with the right one. A cursor this API did not issue throws
 * InvalidCursorError before anything is read.
 */
export async function listTenantsAs(
  orm: ControlOrm,
  input: { callerId: string; tid: string | null; superuserScope: boolean },
  filter: Omit<TenantListFilter, 'memberUserId'>,
  page: { limit: number; cursor?: string; offset?: number },
): Promise<TenantPageRead> {
  const params: unknown[] = input.tid === null ? [input.callerId] : [input.callerId, input.tid];
  const param = positional(params);
  const scoped: TenantListFilter = input.superuserScope ? filter : { ...filter, memberUserId: input.callerId };
  const where = [`exists (select 1 from caller where caller_status <> 'disabled')`, ...filterSql(scoped, param)];
  if (page.cursor) {
    const [createdAt, id] = decodeCursor(page.cursor);
    where.push(`(t.created_at, t.id) < (${param(createdAt)}::timestamptz, ${param(id)}::uuid)`);
  }
  // The limit (1..101) is written into the text and a zero offset left out, so PostgreSQL's generic
  // plan of the prepared statement knows the row count and is used instead of planning every call.
  const offsetRows = page.cursor ? 0 : (page.offset ?? 0);
  const limitOffset = `limit ${Math.trunc(page.limit) + 1}${offsetRows ? ` offset ${param(offsetRows)}` : ''}`;
  const text = `with caller as (select ${callerColumns(input.tid === null ? null : '$2::uuid')} from users u where u.id = $1)
    select caller.*, page.* from (select 1) one left join caller on true
      left join (select ${TENANT_COLUMNS}${scoped.memberUserId ? ', m.role as user_role' : ''}
                   from ${fromSql(scoped)} left join plans p on p.id = t.plan_id
                  where ${where.join(' and ')}
                  order by t.created_at desc, t.id desc ${limitOffset}) page on true
     order by page.created_at desc, page.id desc`;
  const rows = await queryNative<CallerColumns & Partial<TenantColumns> & { user_role?: string | null }>(orm, text, params, statementName('tenantry_list', text));
  const tenantRows = (rows[0]?.id ? rows : []) as (TenantColumns & { user_role?: string | null })[];
  const hasMore = tenantRows.length > page.limit;
  const pageRows = tenantRows.slice(0, page.limit);
  return {
    caller: toCaller(rows[0]),
    superuserScope: input.superuserScope,
    page: {
      data: pageRows.map((row) => {
        const snapshot = toTenantSnapshot(row, row.plan_user_limit ?? null, row.move ?? null);
        return row.user_role ? { ...snapshot, user_role: row.user_role } : snapshot;
      }),
      pagination: {
        limit: page.limit,
        has_more: hasMore,
        next_cursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]) : null,
      },
    },
  };
}

export async function countTenants(orm: ControlOrm, filter: TenantListFilter): Promise<number> {
  const params: unknown[] = [];
  const where = filterSql(filter, positional(params));
  const text = `select count(*)::int as count from ${fromSql(filter)} ${where.length ? `where ${where.join(' and ')}` : ''}`;
  const rows = await queryNative<{ count: number }>(orm, text, params, statementName('tenantry_count', text));
  return rows[0].count;
}
