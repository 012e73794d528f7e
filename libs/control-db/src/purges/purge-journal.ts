import type { ControlOrm } from '../orm/index.ts';
import { PURGE_COLUMNS, toTenantPurge, type PurgeColumns, type TenantPurgeRecord, type TenantPurgeState } from './purge-record.ts';

async function selectPurges(orm: ControlOrm, where: string, params: unknown[]): Promise<TenantPurgeRecord[]> {
  const rows = await orm.em
    .fork()
    .execute<PurgeColumns[]>(`select ${PURGE_COLUMNS} from tenant_purges p join tenants t on t.id = p.tenant_id ${where}`, params);
  return rows.map(toTenantPurge);
}

/** The tenant's purge, open or done; null when none was requested. */
export async function readTenantPurge(orm: ControlOrm, tenantId: string): Promise<TenantPurgeRecord | null> {
  const [purge] = await selectPurges(orm, 'where p.tenant_id = ?', [tenantId]);
  return purge ?? null;
}

/** Every purge not finished, oldest first: what a runner resumes after a crash. */
export function listOpenTenantPurges(orm: ControlOrm): Promise<TenantPurgeRecord[]> {
  return selectPurges(orm, 'where p.finished_at is null order by p.requested_at', []);
}

/** Records the step just done (the journal a re-run continues from). */
export async function advanceTenantPurge(orm: ControlOrm, tenantId: string, state: TenantPurgeState): Promise<void> {
  await orm.em.fork().execute(`update tenant_purges set state = ?, updated_at = now() where tenant_id = ? and finished_at is null`, [state, tenantId]);
}
