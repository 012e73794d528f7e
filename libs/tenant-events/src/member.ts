/** Roles inside a tenant (SPEC §3). */
export const MEMBER_ROLES = ['admin', 'developer', 'readonly', 'auditor'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Status of a membership (SPEC §3). */
export const MEMBER_STATUSES = ['active', 'passive', 'banned', 'invited'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Statuses an operator may force on all memberships when (de)activating a tenant. */
export const USER_STATUS_CHANGES = ['passive', 'active', 'banned'] as const;
export type UserStatusChange = (typeof USER_STATUS_CHANGES)[number];

/** A tenant member as shown by `GET /v1/tenants/{id}/members` and carried by TenantMember* events. */
export interface TenantMember {
  user_id: string;
  /** v2: null once the user is erased (its key destroyed). */
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  role: MemberRole;
  status: MemberStatus;
  joined_at: string;
  last_login_at: string | null;
}
