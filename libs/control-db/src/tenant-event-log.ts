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

/**
 * {@link appendTenantEvent} for many rows in one go: the same events (snapshot with the plan's user
 * limit, `tenantversion` = the row's version after the change), one multi-row insert, one NOTIFY.
 * Plans are read once per distinct plan.
 */
export async function appendTenantEvents(
  em: EntityManager,
  items: readonly { type: TenantEventType; row: TenantRow; extra: Record<string, unknown> }[],
  meta: EventMeta = {},
): Promise<TenantLifecycleEvent[]> {
  if (items.length === 0) return [];
  const planIds = [...new Set(items.map((item) => item.row.plan_id))];
  const plans = new Map((await em.find(Plan, { id: { $in: planIds } })).map((plan) => [plan.id, plan]));
  const events = items.map(({ type, row, extra }) => {
    const plan = plans.get(row.plan_id);
    if (!plan) throw new Error(`Plan ${row.plan_id} of tenant ${row.id} does not exist.`);
    const event = createTenantEvent(type, { tenant: toTenantSnapshot(row, plan.user_limit ?? null), ...extra } as never, {
      tenantversion: row.version,
      traceparent: meta.traceparent,
    });
    em.create(TenantEventRecord, { id: event.id, tenant_id: row.id, tenant_version: row.version, type, event, published_at: null });
    return event as TenantLifecycleEvent;
  });
  await em.flush();
  await em.getConnection().execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`, [], 'all', em.getTransactionContext());
  return events;
}
