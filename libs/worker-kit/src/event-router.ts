import type { ConsumedMessage } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import { openEvent, parseEvent, type ParsedEvent, type SubjectKeyLookup } from '@tenantry/tenant-events';
import { activeTraceId, traceIdOf } from '@tenantry/telemetry';
import type { EventTimer } from './metrics/index.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * Turns a consumed record into a call of the subscriber for its type, with a child logger that
 * carries the tenant id, traceparent and trace id. Invalid events throw EventValidationError (not retriable),
 * so the runner dead-letters them; unknown and unhandled types are skipped (SPEC §4). `timer`
 * observes each handled try's duration by event type.
 * With `subjectKeys`, sealed personal fields (contract v2) are opened first; an erased subject's are null.
 */
export function routeEvents<C>(
  subscribers: readonly Subscriber<C>[],
  logger: Logger,
  contextFor: (message: ConsumedMessage, log: Logger) => C,
  timer?: EventTimer,
  subjectKeys?: SubjectKeyLookup,
): (message: ConsumedMessage) => Promise<void> {
  const byType = new Map<string, Subscriber<C>>(subscribers.map((s) => [s.event, s]));
  return async (message) => {
    const where = { topic: message.topic, partition: message.partition, offset: message.offset };
    let parsed: ParsedEvent;
    try {
      parsed = parseEvent(message.value);
    } catch (error) {
      const tenantId = message.key?.toString() ?? null;
      logger.warn({ tenant_id: tenantId, traceparent: null, ...where, err: error }, 'invalid event, left to the dead-letter topic');
      throw error;
    }
    if (!parsed.known) {
      const { subject, traceparent } = parsed.raw;
      logger.debug({ tenant_id: subject ?? null, traceparent: traceparent ?? null, event_type: parsed.type, ...where }, 'unknown event type ignored');
      return;
    }
    const { event } = parsed;
    const log = logger.child({
      tenant_id: event.subject,
      traceparent: event.traceparent ?? null,
      // The consumer span's trace (tracing on) is the event's: one id either way.
      trace_id: activeTraceId() ?? traceIdOf(event.traceparent) ?? null,
      event_type: event.type,
      event_id: event.id,
      tenantversion: event.tenantversion,
    });
    const subscriber = byType.get(event.type);
    if (!subscriber) {
      log.debug(where, 'event type not handled here, ignored');
      return;
    }
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      await subscriber.handle(subjectKeys ? await openEvent(event, subjectKeys) : event, contextFor(message, log));
    } catch (error) {
      timer?.(event.type, 'error', seconds());
      throw error;
    }
    timer?.(event.type, 'ok', seconds());
  };
}
