import type { EntityManager } from '@mikro-orm/postgresql';
import { createTenantEvent, type TenantLifecycleEvent, type TenantEventType } from '@tenantry/tenant-events';
import { currentTraceContext, inSpan, type TraceContextFields } from '@tenantry/telemetry';
import type { TenantMoveStatus } from '@tenantry/tenant-events';
import { TenantEventRecord, type TenantRow } from '../entities/index.ts';
import { openMoveSql, toTenantSnapshot } from './tenant-snapshot.ts';
import { sealForLog } from '../subject-keys/seal-for-log.ts';

export const OUTBOX_CHANNEL = 'tenantry_outbox';

/**
 * The caller's W3C trace context (e.g. the request's `traceparent`/`tracestate` headers). With
 * tracing on, events carry the span that wrote them instead, which continues that same trace.
 */
export type EventMeta = TraceContextFields;

/** The trace context an event written now carries: the active span's, else the caller's (tracing off). */
export function eventTraceContext(meta: EventMeta): TraceContextFields {
  return currentTraceContext(meta);
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
  const attributes = { 'tenantry.tenant.id': row.id, 'tenantry.event.type': type, 'tenantry.tenant.version': row.version };
  // The outbox row's span: the event stores its context, and the relay's producer span continues it.
  return inSpan(`outbox append ${type}`, { attributes }, async (span) => {
    const tenant = await snapshotOf(em, row);
    const event = createTenantEvent(type, { tenant, ...extra } as never, { tenantversion: row.version, ...eventTraceContext(meta) });
    span.setAttribute('tenantry.event.id', event.id);
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
  });
}
