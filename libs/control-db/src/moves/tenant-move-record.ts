/** How the rows move: logical replication (online), or a frozen pg_dump/pg_restore of the one schema. */
export type TenantMoveMode = 'logical' | 'offline';

/** How a move ended; an open move has none. */
export type TenantMoveOutcome = 'done' | 'undone' | 'failed';

/** One row of `tenant_moves`: a move in progress (finished_at null) or one that ended. */
export interface TenantMoveRecord {
  id: string;
  tenantId: string;
  from: string;
  to: string;
  mode: TenantMoveMode;
  /** `requested`, then the engine's steps (`target-prepared` … `flipped` … `done`), or `undone` / `failed`. */
  state: string;
  error: string | null;
  /** The source schema's name after the flip, until `tenants move --cleanup` drops it. */
  oldSchema: string | null;
  requestedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  cleanedAt: string | null;
}

export const MOVE_COLUMNS = `m.id::text as id, m.tenant_id::text as tenant_id, m.from_database, m.to_database, m.mode, m.state, m.error,
  m.old_schema, m.requested_at, m.updated_at, m.finished_at, m.cleaned_at`;

export interface MoveColumns {
  id: string;
  tenant_id: string;
  from_database: string;
  to_database: string;
  mode: TenantMoveMode;
  state: string;
  error: string | null;
  old_schema: string | null;
  requested_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
  cleaned_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toTenantMove(row: MoveColumns): TenantMoveRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    from: row.from_database,
    to: row.to_database,
    mode: row.mode,
    state: row.state,
    error: row.error,
    oldSchema: row.old_schema,
    requestedAt: iso(row.requested_at)!,
    updatedAt: iso(row.updated_at)!,
    finishedAt: iso(row.finished_at),
    cleanedAt: iso(row.cleaned_at),
  };
}
