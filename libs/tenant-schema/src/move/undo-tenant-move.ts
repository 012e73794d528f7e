import { quoteIdentifier } from '../schema/index.ts';
import { unfreezeSource } from './freeze-source.ts';
import { openMoveContext, type MoveContext } from './move-context.ts';
import { queryRows, withMoveClient, type MoveClient } from './move-connection.ts';
import { TenantMoveError } from './move-errors.ts';
import { isBefore, type TenantMovePlan, type UndoTenantMoveOptions } from './move-types.ts';
import { removeReplication } from './remove-replication.ts';

/** DROP ROLE refuses while the role still has rights in another database of the server: then it stays, NOLOGIN. */
const DEPENDENT_OBJECTS_STILL_EXIST = '2BP01';

/** Drops the target's copy of the schema and, on another server, the role (if nothing else there needs it). */
async function dropTargetCopy(ctx: MoveContext): Promise<void> {
  const { schema, role, lockKey } = ctx.names;
  await withMoveClient(ctx.plan.target.url, async (client) => {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
    await client.query('commit');
    if (!ctx.sameServer) await dropRoleIfUnused(client, role);
  });
}

/** Drops the role on the server `client` is connected to, unless it still has rights in another of its databases. */
export async function dropRoleIfUnused(client: MoveClient, role: string): Promise<boolean> {
  if ((await queryRows(client, 'select 1 from pg_roles where rolname = $1', [role])).length === 0) return true;
  try {
    await client.query('begin');
    await client.query(`drop owned by ${quoteIdentifier(role)}`);
    await client.query(`drop role ${quoteIdentifier(role)}`);
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    if ((error as { code?: string }).code === DEPENDENT_OBJECTS_STILL_EXIST) return false;
    throw error;
  }
}

/**
 * Undoes a move that has not flipped: replication removed (subscription, slots, publication),
 * the target's schema dropped (and its role, on another server), LOGIN back on the source when
 * the tenant has it. Every part is skipped when already gone, so an interrupted undo is run again.
 * Refused once the journal says `flipped`: the target serves the tenant then.
 */
export async function undoTenantMove(plan: TenantMovePlan, { journal, logger }: UndoTenantMoveOptions): Promise<void> {
  const state = await journal.state();
  if (!isBefore(state, 'flipped')) {
    throw new TenantMoveError('TNT_ERR_MOVE_ALREADY_FLIPPED', `The move of tenant ${plan.tenantId} is at ${state}: the target serves the tenant, so it can no longer be undone; finish it instead.`);
  }
  const ctx = await openMoveContext(plan, { logger });
  const [source] = await withMoveClient(plan.source.url, (client) =>
    queryRows<{ live: boolean }>(client, 'select exists (select 1 from pg_namespace where nspname = $1) as live', [ctx.names.schema]),
  );
  if (!source.live) {
    // Nothing is dropped on the target while the source has no live copy of the schema.
    throw new TenantMoveError('TNT_ERR_MOVE_SOURCE_SCHEMA_MISSING', `Schema ${ctx.names.schema} is not on "${plan.source.name}"; refusing to drop the target's copy.`);
  }
  await removeReplication(ctx);
  await dropTargetCopy(ctx);
  await unfreezeSource(ctx);
  ctx.log?.info({ state }, 'tenant move undone');
}
