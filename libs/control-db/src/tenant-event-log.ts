import type { EntityManager } from '@mikro-orm/postgresql';
import { createTenantEvent, type TenantLifecycleEvent, type TenantEventType } from '@tenantry/tenant-events';
import type { TenantMoveStatus } from '@tenantry/tenant-events';
import { TenantEventRecord, type TenantRow } from './entities/index.ts';
import { openMoveSql, toTenantSnapshot } from './tenant-snapshot.ts';
import { sealForLog } from './subject-keys/seal-for-log.ts';

export const OUTBOX_CHANNEL = 'tenantry_outbox';

export interface EventMeta {
  traceparent?: string;
}

/** The snapshot of a row the caller holds: its plan's user limit and its open move, read in one query in the caller's transaction. */
export async function snapshotOf(em: EntityManager, row: TenantRow) {
  const [found] = await em.execute<{ user_limit: number | null; move: TenantMoveStatus | null }[]>(
    `select p.user_limit, ${openMoveSql('?::uuid')} as move from plans p where p.id = ?`,
    [row.id, row.plan_id],
  );
  if (!found) throw new Error(`Plan ${row.plan_id} of tenant ${row.id} does not exist.`);
  return toTenantSnapshot(row, found.user_limit ?? null, found.move);
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
    // Personal fields sealed (contract v2): the log and Kafka never hold them readable.
    event: await sealForLog(em, event),
    published_at: null,
  });
  await em.flush();
  await em.getConnection().execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`, [], 'all', em.getTransactionContext());
  return event as TenantLifecycleEvent;
}
