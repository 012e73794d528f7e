import type { EntityManager } from '@mikro-orm/postgresql';
import { createTenantEvent, type TenantLifecycleEvent, type TenantEventType } from '@tenantry/tenant-events';
import { inSpan } from '@tenantry/telemetry';
import type { TenantMoveStatus } from '@tenantry/tenant-events';
import type { TenantRow } from '../entities/index.ts';
import { openMoveSql, toTenantSnapshot } from '../rows/index.ts';
import { transactionClient } from '../orm/index.ts';
import { appendToOutbox, eventTraceContext, type EventMeta } from '../outbox/index.ts';

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
 * Appends the tenant's next event (its snapshot as of `row`) through the outbox writer inside the
 * caller's ORM transaction. `row.version` must already hold the version after the change.
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
    // Pending ORM changes reach the database before the event that reports them.
    await em.flush();
    await appendToOutbox(transactionClient(em), [{ tenantId: row.id, tenantVersion: row.version, event }]);
    return event as TenantLifecycleEvent;
  });
}

/** Records a change the caller made to `row`: the next version, flushed, and its event appended. */
export async function commitTenantChange(...args: Parameters<typeof appendTenantEvent>): Promise<TenantLifecycleEvent> {
  const [em, , row] = args;
  row.version += 1;
  row.updated_at = new Date();
  await em.flush();
  return appendTenantEvent(...args);
}
