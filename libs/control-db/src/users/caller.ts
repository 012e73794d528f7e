import type { ControlOrm } from '../orm/index.ts';
import { queryNative } from '../orm/index.ts';
import { membershipGrantsAccess } from '../members/index.ts';

/** The authority behind a token: its user row, and its role in the token's tenant (`tid`). */
export interface CallerRecord {
  id: string;
  email: string;
  status: string;
  superuser: boolean;
  permissions: string[];
  /** Role in the tenant the token was switched to; null when no `tid` was asked, not a member, or passive or banned. */
  tidRole: string | null;
}

/**
 * Columns (all prefixed `caller_`) describing the user of a `from users u where u.id = …` and its role
 * in tenant `tidParam` (null: the token has no `tid`, the column is null). Other reads select them in
 * the same statement, so the user check and the data come from one snapshot. Without a `tid` the text
 * has no parameter for it (a null parameter would make PostgreSQL plan every call instead of reusing
 * the prepared statement's generic plan).
 */
export function callerColumns(tidParam: string | null): string {
  const tidRole = tidParam
    ? `(select tm.role from memberships tm where tm.tenant_id = ${tidParam} and tm.user_id = u.id and ${membershipGrantsAccess('tm')})`
    : 'null::text';
  return `u.id::text as caller_id, u.email as caller_email, u.status as caller_status, u.superuser as caller_superuser,
          u.permissions as caller_permissions, ${tidRole} as caller_tid_role`;
}

export interface CallerColumns {
  caller_id: string | null;
  caller_email: string | null;
  caller_status: string | null;
  caller_superuser: boolean | null;
  caller_permissions: string[] | null;
  caller_tid_role: string | null;
}

/** Null when the row says the user does not exist. */
export function toCaller(row: CallerColumns | undefined): CallerRecord | null {
  if (!row?.caller_id) return null;
  return {
    id: row.caller_id,
    email: row.caller_email!,
    status: row.caller_status!,
    superuser: Boolean(row.caller_superuser),
    permissions: row.caller_permissions ?? [],
    tidRole: row.caller_tid_role,
  };
}

const FIND_CALLER = `select ${callerColumns(null)} from users u where u.id = $1`;
const FIND_CALLER_WITH_TID = `select ${callerColumns('$2::uuid')} from users u where u.id = $1`;

/** The user of a token and its role in `tid` (pass null without one), in one round trip. */
export async function findCaller(orm: ControlOrm, userId: string, tid: string | null): Promise<CallerRecord | null> {
  const rows =
    tid === null
      ? await queryNative<CallerColumns>(orm, FIND_CALLER, [userId], 'tenantry_find_caller')
      : await queryNative<CallerColumns>(orm, FIND_CALLER_WITH_TID, [userId, tid], 'tenantry_find_caller_tid');
  return toCaller(rows[0]);
}
