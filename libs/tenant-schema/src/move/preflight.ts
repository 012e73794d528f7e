import { checkLogicalReplication } from './check-logical-replication.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient } from './move-connection.ts';
import { needsLogicalReplication, TenantMoveError } from './move-errors.ts';

/** PostgreSQL 15 publishes a whole schema (`FOR TABLES IN SCHEMA`). */
const LOGICAL_MIN_VERSION = 150000;

/**
 * What must hold before any step that precedes the flip: the source can replicate (online moves),
 * still serves the tenant's schema, and has no old schema left by an earlier move of this tenant.
 */
export async function assertMovable(ctx: MoveContext): Promise<void> {
  const { plan, names } = ctx;
  if (plan.mode === 'logical') {
    const check = await checkLogicalReplication(plan.source.url);
    if (!check.ok) throw needsLogicalReplication(plan.source.name, check.problem ?? `wal_level is ${check.walLevel}`);
    for (const [endpoint, identity] of [[plan.source, ctx.source], [plan.target, ctx.target]] as const) {
      if (identity.versionNum < LOGICAL_MIN_VERSION) {
        throw new TenantMoveError('TNT_ERR_MOVE_SERVER_TOO_OLD', `Database "${endpoint.name}" runs PostgreSQL ${identity.versionNum}; an online move needs 15 or newer (or --offline).`);
      }
    }
  }
  const [found] = await withMoveClient(plan.source.url, (client) =>
    queryRows<{ live: boolean; moved: boolean }>(
      client,
      `select exists (select 1 from pg_namespace where nspname = $1) as live, exists (select 1 from pg_namespace where nspname = $2) as moved`,
      [names.schema, names.movedSchema],
    ),
  );
  if (!found.live) {
    throw new TenantMoveError('TNT_ERR_MOVE_SOURCE_SCHEMA_MISSING', `Schema ${names.schema} does not exist on "${plan.source.name}"; the move's source must be the database that serves the tenant.`);
  }
  if (found.moved) {
    throw new TenantMoveError(
      'TNT_ERR_MOVE_OLD_SCHEMA_PRESENT',
      `"${plan.source.name}" still holds ${names.movedSchema}, left by an earlier move of this tenant; clean it up (tenants move --cleanup) before moving the tenant again.`,
    );
  }
}
