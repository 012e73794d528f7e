import { LockMode } from '@mikro-orm/core';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { InvalidStateError, TenantNotFoundError } from '../errors.ts';
import { PurgeTooEarlyError, TenantNotDeactivatedError } from './errors.ts';
import { PURGE_COLUMNS, toTenantPurge, type PurgeColumns, type TenantPurgeRecord } from './purge-record.ts';

/** Woken (NOTIFY, delivered on commit) when a purge is requested, so a runner starts it at once. */
export const PURGES_CHANNEL = 'tenantry_purges';

const DAY_MS = 86_400_000;

export interface TenantPurgeRequest {
  /** Skip the PURGE_AFTER_DAYS wait (the caller logs it). */
  force: boolean;
  purgeAfterDays: number;
  /** The user asking (kept in the journal); null for the operator CLI. */
  requestedBy: string | null;
  now?: Date;
}

/**
 * Records the purge of a deactivated tenant (journal row `requested`) and wakes the runners. The
 * tenant must have been deactivated for `purgeAfterDays`, unless `force`. Idempotent: asking again
 * for a purge in progress or done returns it. Nothing is deleted here; the runner does that.
 */
export async function requestTenantPurge(orm: ControlOrm, tenantId: string, request: TenantPurgeRequest): Promise<TenantPurgeRecord> {
  return orm.em.fork().transactional(async (em) => {
    const tenant = await em.findOne(Tenant, tenantId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!tenant) throw new TenantNotFoundError(tenantId);
    const [existing] = await em.execute<PurgeColumns[]>(
      `select ${PURGE_COLUMNS} from tenant_purges p join tenants t on t.id = p.tenant_id where p.tenant_id = ?`,
      [tenantId],
    );
    if (existing) return toTenantPurge(existing);
    if (tenant.status !== 'deactivated') throw new TenantNotDeactivatedError(tenantId, tenant.status);
    const [move] = await em.execute<{ id: string }[]>(`select id from tenant_moves where tenant_id = ? and finished_at is null`, [tenantId]);
    if (move) throw new InvalidStateError(`Tenant ${tenantId} is moving between databases; finish or undo the move before purging it.`);
    const deactivatedAt = tenant.deactivated_at ?? tenant.updated_at;
    const purgeableAt = new Date(new Date(deactivatedAt).getTime() + request.purgeAfterDays * DAY_MS);
    if (!request.force && purgeableAt > (request.now ?? new Date())) throw new PurgeTooEarlyError(tenantId, purgeableAt);
    const [row] = await em.execute<PurgeColumns[]>(
      `with p as (insert into tenant_purges (tenant_id, state, forced, requested_by) values (?, 'requested', ?, ?) returning *)
       select ${PURGE_COLUMNS} from p join tenants t on t.id = p.tenant_id`,
      [tenantId, request.force, request.requestedBy],
    );
    await em.execute(`select pg_notify('${PURGES_CHANNEL}', ?)`, [tenantId]);
    return toTenantPurge(row);
  });
}
