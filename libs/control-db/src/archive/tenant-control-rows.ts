import type { TenantEvent } from '@tenantry/tenant-events';

/**
 * A tenant's rows of the control schema as an archive carries them: plain JSON, timestamps as
 * ISO 8601 text. Passwords, superuser flags and permissions of users are never part of it.
 */
export interface TenantControlRows {
  /** Every column of the tenant's `tenants` row. */
  tenant: Record<string, unknown> & { id: string; slug: string; rut: string | null; status: string; version: number; schema_version: string | null };
  /** Its memberships, each with the member's profile. */
  members: ArchivedMember[];
  /** Its event log, oldest first, opened: personal fields readable (null where a destroyed key sealed them). */
  events: ArchivedEvent[];
}

export interface ArchivedMember {
  user_id: string;
  role: string;
  status: string;
  joined_at: string;
  last_login_at: string | null;
  user: { id: string; email: string; first_name: string | null; last_name: string | null; status: string; created_at: string };
}

export interface ArchivedEvent {
  id: string;
  tenant_version: number;
  type: string;
  /** Opened; an archive written before events were exported opened holds them sealed, as the log had them. */
  event: TenantEvent;
  created_at: string;
  published_at: string | null;
}
