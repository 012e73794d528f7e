import { v7 as uuidv7 } from 'uuid';
import {
  CLOUDEVENTS_SPEC_VERSION,
  DATA_CONTENT_TYPE,
  EVENT_SOURCES,
} from './envelope.ts';
import { EventValidationError } from './errors.ts';
import {
  isTenantEventType,
  type EventDataMap,
  type EventType,
  type ProvisioningEventType,
  type TenantEvent,
  type TenantEventType,
} from './event-types.ts';
import { validateEvent } from './validator.ts';

export interface CreateEventOptions {
  /** Defaults to "tenant-api" on tenant.events and "provisioner" on tenant.provisioning. */
  source?: string;
  traceparent?: string;
  /** Kept only with a traceparent (the W3C pair travels together). */
  tracestate?: string;
  /** Defaults to a fresh UUIDv7. Pass one to re-create an event from the event log. */
  id?: string;
  /** Defaults to now; always written as ISO 8601 UTC. */
  time?: Date | string;
  /** On tenant.events derived from `data.tenant.id`; if given, it must match. */
  subject?: string;
  /** On tenant.events derived from `data.tenant.version`; if given, it must match. */
  tenantversion?: number;
}

export interface CreateProvisioningEventOptions extends CreateEventOptions {
  /** The tenant id. */
  subject: string;
  /** The version of the tenant event the provisioner acted on. */
  tenantversion: number;
}

/**
 * Builds a valid event, or throws EventValidationError listing what is wrong. On tenant.events
 * `subject` and `tenantversion` come from `data.tenant`; provisioning events need them passed.
 */
export function createTenantEvent<T extends TenantEventType>(
  type: T,
  data: EventDataMap[T],
  options?: CreateEventOptions,
): TenantEvent<T>;
export function createTenantEvent<T extends ProvisioningEventType>(
  type: T,
  data: EventDataMap[T],
  options: CreateProvisioningEventOptions,
): TenantEvent<T>;
export function createTenantEvent(
  type: EventType,
  data: EventDataMap[EventType],
  options: CreateEventOptions = {},
): TenantEvent {
  const tenant = isTenantEventType(type) ? (data as EventDataMap[TenantEventType]).tenant : undefined;
  const time = new Date(options.time ?? Date.now());
  if (Number.isNaN(time.getTime())) {
    throw new EventValidationError(`Cannot create ${type} event`, [`time ${JSON.stringify(options.time)} is not a date`], {
      eventType: type,
    });
  }
  const event = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: options.id ?? uuidv7(),
    source: options.source ?? (tenant ? EVENT_SOURCES.tenantEvents : EVENT_SOURCES.provisioning),
    type,
    subject: options.subject ?? tenant?.id,
    time: time.toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    tenantversion: options.tenantversion ?? tenant?.version,
    ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    ...(options.traceparent && options.tracestate ? { tracestate: options.tracestate } : {}),
    data,
  } as TenantEvent;
  const problems = validateEvent(event);
  if (problems.length) {
    throw new EventValidationError(`Cannot create ${type} event`, problems, { eventType: type, eventId: event.id });
  }
  return event;
}
