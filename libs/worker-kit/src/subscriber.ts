import type { TenantEvent, TenantEventType } from '@tenantry/tenant-events';

/** One handler for one event type; `C` is what the worker hands every handler (ORM, logger...). */
export interface Subscriber<C> {
  event: TenantEventType;
  handle: (event: TenantEvent, context: C) => Promise<void>;
}

/** Typed at the definition site (`event.data` matches `type`); erased so one list can hold all. */
export function defineSubscriber<T extends TenantEventType, C>(
  event: T,
  handle: (event: TenantEvent<T>, context: C) => Promise<void>,
): Subscriber<C> {
  return { event, handle: handle as (event: TenantEvent, context: C) => Promise<void> };
}
