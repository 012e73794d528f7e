import { LockMode } from '@mikro-orm/core';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { TenantNotFoundError } from '../errors.ts';
import { commitTenantChange, snapshotOf } from '../tenants/index.ts';
import type { EventMeta } from '../outbox/index.ts';
import { TenantMoveNotOpenError, TenantMoveRefusedError } from './errors.ts';

/**
 * The moment a move takes effect, in ONE transaction: the tenant's placement becomes the target,
 * its version rises, the move is journalled `flipped` (with the source schema's new name) and
 * `TenantMoved` goes to the outbox. Before this commits the source serves the tenant; after, the
 * target does. Re-running it after it committed is a no-op that returns the tenant.
 */
export async function flipTenantPlacement(orm: ControlOrm, moveId: string, oldSchema: string, meta: EventMeta = {}): Promise<TenantSnapshot> {
  return orm.em.fork().transactional(async (em) => {
    const [move] = await em.execute<{ tenant_id: string; from_database: string; to_database: string; state: string }[]>(
      `select tenant_id::text as tenant_id, from_database, to_database, state from tenant_moves where id = ? and finished_at is null for update`,
      [moveId],
    );
    if (!move) throw new TenantMoveNotOpenError(moveId);
    const row = await em.findOne(Tenant, move.tenant_id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!row) throw new TenantNotFoundError(move.tenant_id);
    if (row.database === move.to_database) {
      return snapshotOf(em, row); // flipped already: the runner died after the commit
    }
    if (row.database !== move.from_database) {
      throw new TenantMoveRefusedError(`Tenant ${row.id} lives on ${row.database}, not on the move's source ${move.from_database}.`);
    }
    await em.execute(`update tenant_moves set state = 'flipped', old_schema = ?, updated_at = now() where id = ?`, [oldSchema, moveId]);
    row.database = move.to_database;
    const event = await commitTenantChange(em, 'TenantMoved', row, { from: move.from_database, to: move.to_database }, meta);
    return event.data.tenant;
  });
}
