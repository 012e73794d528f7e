/** The steps of a purge, in order; the journal row holds the last one done. */
export const PURGE_STATES = ['requested', 'schema-dropped', 'done'] as const;
export type TenantPurgeState = (typeof PURGE_STATES)[number];

export interface TenantPurgeRecord {
  tenantId: string;
  state: TenantPurgeState;
  forced: boolean;
  requestedAt: string;
  finishedAt: string | null;
  /** The tenant database holding (or that held) its schema and role. */
  database: string;
}

export const PURGE_COLUMNS = `p.tenant_id::text as tenant_id, p.state, p.forced, p.requested_at, p.finished_at, t.database`;

export interface PurgeColumns {
  tenant_id: string;
  state: TenantPurgeState;
  forced: boolean;
  requested_at: Date;
  finished_at: Date | null;
  database: string;
}

export function toTenantPurge(row: PurgeColumns): TenantPurgeRecord {
  return {
    tenantId: row.tenant_id,
    state: row.state,
    forced: row.forced,
    requestedAt: new Date(row.requested_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    database: row.database,
  };
}
