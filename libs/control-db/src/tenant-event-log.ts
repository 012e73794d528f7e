import type { EntityManager } from '@mikro-orm/postgresql';
import { createTenantEvent, type TenantLifecycleEvent, type TenantEventType } from '@tenantry/tenant-events';
import { Plan, TenantEventRecord, type TenantRow } from './entities/index.ts';
import { toTenantSnapshot } from './tenant-snapshot.ts';

export const OUTBOX_CHANNEL = 'tenantry_outbox';

export interface EventMeta {
  traceparent?: string;
}

export async function snapshotOf(em: EntityManager, row: TenantRow) {
  const plan = await em.findOneOrFail(Plan, row.plan_id);
  return toTenantSnapshot(row, plan.user_limit ?? null);
}

/**
 * Appends the tenant's next event to the log/outbox inside the caller's transaction and wakes the
 * relay (NOTIFY is delivered on commit, so the relay never sees an uncommitted event).
 * `row.version` must already hold the version after the change.
 */
export async function appendTenantEvent(
  em: EntityManager,
  type: TenantEventType,
  row: TenantRow,
  extra: Record<string, unknown>,
  meta: EventMeta = {},
): Promise<TenantLifecycleEvent> {
  const tenant = await snapshotOf(em, row);
  const event = createTenantEvent(type, { tenant, ...extra } as never, {
    tenantversion: row.version,
    traceparent: meta.traceparent,
  });
  em.create(TenantEventRecord, {
    id: event.id,
    tenant_id: row.id,
    tenant_version: row.version,
    type,
    event,
    published_at: null,
  });
  await em.flush();
  await em.getConnection().execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`, [], 'all', em.getTransactionContext());
  return event as TenantLifecycleEvent;
}
