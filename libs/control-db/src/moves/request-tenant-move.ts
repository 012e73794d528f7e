import { LockMode } from '@mikro-orm/core';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { TenantNotFoundError } from '../errors.ts';
import { TenantMoveRefusedError } from './errors.ts';
import { MOVES_CHANNEL } from './move-journal.ts';
import { MOVE_COLUMNS, toTenantMove, type MoveColumns, type TenantMoveMode, type TenantMoveRecord } from './tenant-move-record.ts';

/** A tenant whose schema exists; a move of a tenant without one would have nothing to copy. */
const MOVABLE_STATUSES = new Set(['active', 'suspended', 'deactivated']);

export interface TenantMoveRequest {
  to: string;
  mode: TenantMoveMode;
}

/**
 * Records a move of the tenant's schema to database `to` and wakes the runners. Idempotent: asking
 * again for the move already in progress returns it. A move's progress is operational state, not
 * tenant data: it bumps no version and emits no event until the flip (`TenantMoved`).
 */
export async function requestTenantMove(orm: ControlOrm, tenantId: string, request: TenantMoveRequest): Promise<TenantMoveRecord> {
  return orm.em.fork().transactional(async (em) => {
    const tenant = await em.findOne(Tenant, tenantId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!tenant) throw new TenantNotFoundError(tenantId);
    const [open] = await em.execute<MoveColumns[]>(`select ${MOVE_COLUMNS} from tenant_moves m where m.tenant_id = ? and m.finished_at is null`, [tenantId]);
    if (open) {
      if (open.to_database === request.to) return toTenantMove(open);
      throw new TenantMoveRefusedError(`Tenant ${tenantId} is already moving to ${open.to_database}; wait for it or undo it first.`);
    }
    if (!MOVABLE_STATUSES.has(tenant.status) || !tenant.schema_version) {
      throw new TenantMoveRefusedError(`Tenant ${tenantId} is ${tenant.status}: only a provisioned tenant (active, suspended or deactivated) can move.`);
    }
    if (tenant.database === request.to) throw new TenantMoveRefusedError(`Tenant ${tenantId} already lives on ${request.to}.`);
    const [target] = await em.execute<{ status: string }[]>(`select status from tenant_databases where name = ?`, [request.to]);
    if (!target) throw new TenantMoveRefusedError(`There is no tenant database named ${request.to} (see \`tenantry databases list\`).`);
    if (target.status !== 'open') throw new TenantMoveRefusedError(`Tenant database ${request.to} is ${target.status}: it takes no tenants (\`tenantry databases open ${request.to}\`).`);
    const [row] = await em.execute<MoveColumns[]>(
      `insert into tenant_moves as m (tenant_id, from_database, to_database, mode, state) values (?, ?, ?, ?, 'requested') returning ${MOVE_COLUMNS}`,
      [tenantId, tenant.database, request.to, request.mode],
    );
    await em.execute(`select pg_notify('${MOVES_CHANNEL}', ?)`, [tenantId]);
    return toTenantMove(row);
  });
}
