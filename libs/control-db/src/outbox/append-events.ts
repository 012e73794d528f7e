import type { TenantEvent } from '@tenantry/tenant-events';
import { currentTraceContext, type TraceContextFields } from '@tenantry/telemetry';
import type { SqlClient } from '../orm/index.ts';
import { sealForLog } from '../subject-keys/index.ts';

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

/** One event for the outbox, with the tenant version it records. */
export interface OutboxAppend {
  tenantId: string;
  tenantVersion: number;
  event: TenantEvent;
}

const INSERT_AND_NOTIFY = `with logged as (
  insert into tenant_events (id, tenant_id, tenant_version, type, event, created_at, published_at)
  select id, tenant_id, tenant_version, type, event, $6::timestamptz, null
    from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::jsonb[]) with ordinality as e(id, tenant_id, tenant_version, type, event, n)
   order by n
)
select pg_notify($7, '')`;

/**
 * The one outbox writer: appends the events (in this order) to the log inside the caller's open
 * transaction, personal fields sealed (the log and Kafka never hold them readable), and wakes the
 * relay (NOTIFY is delivered on commit, so the relay never sees an uncommitted event).
 */
export async function appendToOutbox(tx: SqlClient, appends: readonly OutboxAppend[], createdAt = new Date()): Promise<void> {
  if (appends.length === 0) return;
  const sealed = await sealForLog(tx, appends.map((append) => append.event));
  await tx.query(INSERT_AND_NOTIFY, [
    appends.map((append) => append.event.id),
    appends.map((append) => append.tenantId),
    appends.map((append) => append.tenantVersion),
    appends.map((append) => append.event.type),
    sealed.map((event) => JSON.stringify(event)),
    createdAt,
    OUTBOX_CHANNEL,
  ]);
}

/**
 * Puts an archived history back into the log (an import after a purge): sealed as the outbox
 * writer seals, marked published (it is history, not news), and an event already there under its
 * id for this tenant gets the sealed body.
 */
export async function restoreEventHistory(tx: SqlClient, tenantId: string, events: readonly { event: TenantEvent }[]): Promise<void> {
  if (events.length === 0) return;
  const sealed = await sealForLog(tx, events.map((row) => row.event));
  await tx.query(
    `insert into tenant_events (id, tenant_id, tenant_version, type, event, created_at, published_at)
     select e.id, $1::uuid, e.tenant_version, e.type, e.event, e.created_at, coalesce(e.published_at, now())
       from jsonb_to_recordset($2::jsonb) as e(id uuid, tenant_version integer, type text, event jsonb, created_at timestamptz, published_at timestamptz)
      order by e.tenant_version
     on conflict (id) do update set event = excluded.event where tenant_events.tenant_id = excluded.tenant_id`,
    [tenantId, JSON.stringify(events.map((row, i) => ({ ...row, event: sealed[i] })))],
  );
}
