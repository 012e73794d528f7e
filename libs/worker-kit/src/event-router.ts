import type { ConsumedMessage } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import {
  createEventDispatcher,
  type EventHandlers,
  type SubjectKeyLookup,
  type TenantEvent,
} from '@tenantry/tenant-events';
import { activeTraceId, traceIdOf } from '@tenantry/telemetry';
import type { OutageHold } from './hold-through-outages.ts';
import type { EventTimer } from './metrics/index.ts';
import type { Subscriber } from './subscriber.ts';

export interface RouteEventsOptions {
  /** Observes each handled try's duration by event type. */
  timer?: EventTimer;
  /** Sealed personal fields (contract v2) are opened before a subscriber sees the event; an erased subject's are null. */
  subjectKeys?: SubjectKeyLookup;
  /** Holds a delivery (opening and handling) through a database outage, parking its message (holdThroughOutages). */
  outages?: OutageHold;
}

const whereOf = (message: ConsumedMessage) => ({
  topic: message.topic,
  partition: message.partition,
  offset: message.offset,
});

/** The event's child logger: tenant id, traceparent, trace id, event type and id, tenantversion. */
function eventLogger(logger: Logger, event: TenantEvent): Logger {
  return logger.child({
    tenant_id: event.subject,
    traceparent: event.traceparent ?? null,
    // The consumer span's trace (tracing on) is the event's: one id either way.
    trace_id: activeTraceId() ?? traceIdOf(event.traceparent) ?? null,
    event_type: event.type,
    event_id: event.id,
    tenantversion: event.tenantversion,
  });
}

/** Runs `step`, telling `timer` its duration and whether it failed. */
async function timed(timer: EventTimer | undefined, type: string, step: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    await step();
  } catch (error) {
    timer?.(type, 'error', seconds());
    throw error;
  }
  timer?.(type, 'ok', seconds());
}

/**
 * Turns a consumed record into a call of the subscriber for its type (tenant-events'
 * createEventDispatcher), with a child logger that carries the tenant id, traceparent and trace id.
 * Invalid events throw EventValidationError (not retriable), so the runner dead-letters them;
 * unknown and unhandled types are skipped (SPEC §4).
 */
export function routeEvents<C>(
  subscribers: readonly Subscriber<C>[],
  logger: Logger,
  contextFor: (message: ConsumedMessage, log: Logger) => C,
  { timer, subjectKeys, outages }: RouteEventsOptions = {},
): (message: ConsumedMessage) => Promise<void> {
  const handlers = Object.fromEntries(
    subscribers.map((subscriber) => [
      subscriber.event,
      (event: TenantEvent, message: ConsumedMessage) =>
        subscriber.handle(event, contextFor(message, eventLogger(logger, event))),
    ]),
  ) as EventHandlers<ConsumedMessage>;
  return createEventDispatcher(handlers, {
    subjectKeys,
    onInvalid: (error, message) => {
      const tenantId = message.key?.toString() ?? null;
      logger.warn(
        { tenant_id: tenantId, traceparent: null, ...whereOf(message), err: error },
        'invalid event, left to the dead-letter topic',
      );
    },
    onUnknown: (type, { subject, traceparent }, message) => {
      logger.debug(
        {
          tenant_id: subject ?? null,
          traceparent: traceparent ?? null,
          event_type: type,
          ...whereOf(message),
        },
        'unknown event type ignored',
      );
    },
    onUnhandled: (event, message) =>
      eventLogger(logger, event).debug(whereOf(message), 'event type not handled here, ignored'),
    around: (deliver, event, message) =>
      timed(timer, event.type, () =>
        outages
          ? outages(deliver, { log: eventLogger(logger, event), park: () => message.park?.() })
          : deliver(),
      ),
  });
}
