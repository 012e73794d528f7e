import type { Logger } from '@tenantry/logger';
import type { TenantMigration } from '@tenantry/tenant-migrations';

/** Every step of a move, in order; the journal holds the last one completed. */
export const MOVE_STATES = [
  'requested',
  'target-prepared',
  'published',
  'subscribed',
  'caught-up',
  'frozen',
  'drained',
  'sequences-synced',
  'flipped',
  'source-retired',
  'unfrozen',
  'done',
] as const;

export type MoveState = (typeof MOVE_STATES)[number];

/** True when `state` comes before `step`, i.e. the step is still to do. */
export function isBefore(state: MoveState, step: MoveState): boolean {
  return MOVE_STATES.indexOf(state) < MOVE_STATES.indexOf(step);
}

/** One tenant database: its registry name (for messages) and a superuser URL (never logged). */
export interface MoveEndpoint {
  name: string;
  url: string;
  /**
   * How the TARGET server reaches this database for logical replication (the subscription's
   * connection), when that differs from `url` (e.g. another host name inside a container network).
   */
  replicationUrl?: string;
}

/** Where the move's progress is persisted (the caller's `tenant_moves.state`). */
export interface MoveJournal {
  state(): Promise<MoveState>;
  /**
   * Records the step just completed. Usually forward; a freeze that is undone records the state
   * before it again (`caught-up`, or `target-prepared` offline).
   */
  advance(state: MoveState): Promise<void>;
}

export interface TenantMovePlan {
  tenantId: string;
  source: MoveEndpoint;
  target: MoveEndpoint;
  /** `logical` needs wal_level=logical on the source; `offline` copies with pg_dump/pg_restore. */
  mode: 'logical' | 'offline';
  /** Whether the tenant's role may log in once it is served by the target (false for a deactivated tenant). */
  roleLogin: boolean;
  /** The migrations the code knows (default: every tenant migration); the target is built up to the source's version. */
  migrations?: readonly TenantMigration[];
}

export interface RunTenantMoveOptions {
  journal: MoveJournal;
  /**
   * The caller's ONE transaction that makes the target the tenant's database: placement,
   * `TenantMoved` event and the journal's `flipped`. Called while the source is frozen.
   */
  flip: () => Promise<void>;
  logger?: Logger;
  signal?: AbortSignal;
  /** Longest write freeze (sessions ended, lock taken, last LSN applied) before it is undone. Default 10 s. */
  freezeTimeoutMs?: number;
  /** Longest wait for the initial copy and catch-up. Default 30 min. */
  catchUpTimeoutMs?: number;
  /** Replication lag (bytes of WAL) under which the target counts as caught up. Default 1 MiB. */
  catchUpLagBytes?: number;
  /** Directory of pg_dump/pg_restore for offline moves. Default: the newest /usr/lib/postgresql/<v>/bin. */
  pgBinDir?: string;
}

export interface UndoTenantMoveOptions {
  journal: MoveJournal;
  logger?: Logger;
}
