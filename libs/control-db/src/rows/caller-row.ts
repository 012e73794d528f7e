import { membershipGrantsAccess } from './member-row.ts';

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
