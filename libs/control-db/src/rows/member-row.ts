import type { TenantMember } from '@tenantry/tenant-events';

/** The member columns every member query selects, so one mapper serves them all. */
export const MEMBER_COLUMNS = `m.user_id::text as user_id, u.email, u.first_name, u.last_name, m.role, m.status, m.joined_at, m.last_login_at`;

export function toMember(row: Record<string, unknown>): TenantMember {
  return {
    user_id: row.user_id as string,
    email: row.email as string,
    first_name: (row.first_name as string) ?? null,
    last_name: (row.last_name as string) ?? null,
    role: row.role as TenantMember['role'],
    status: row.status as TenantMember['status'],
    joined_at: new Date(row.joined_at as string).toISOString(),
    last_login_at: row.last_login_at ? new Date(row.last_login_at as string).toISOString() : null,
  };
}

/**
 * The one rule for which memberships let their user into the tenant (read, switch, act by role):
 * `active` and `invited`. A `passive` or `banned` member is treated like a non-member.
 */
export function membershipGrantsAccess(alias: string): string {
  return `${alias}.status in ('active', 'invited')`;
}
