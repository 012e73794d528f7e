import type { EventType, TenantEvent } from './event-types.ts';
import { openEvent } from './sealing/seal-event.ts';
import type { SubjectKeyLookup } from './sealing/sealed-value.ts';
import { parseEvent } from './serializer.ts';

/** What the dispatcher reads: any message with a `value` (kafkajs, @tenantry/kafka runConsumer). */
export interface EventMessage {
  value: Buffer | string | null | undefined;
}

/** One optional handler per event type, each typed for its event; `message` is the one it came in. */
export type EventHandlers<M extends EventMessage = EventMessage> = {
  [K in EventType]?: (event: TenantEvent<K>, message: M) => Promise<void> | void;
};

export interface EventDispatcherOptions<M extends EventMessage = EventMessage> {
  /**
   * Contract v2: reads a subject's data key, so handlers get the sealed personal fields opened
   * (null for an erased subject). Without it handlers see the sealed values as they travel.
   */
  subjectKeys?: SubjectKeyLookup;
  /** Called for a message that breaks the contract, before its EventValidationError is thrown. */
  onInvalid?: (error: unknown, message: M) => void;
  /** Called for well-formed CloudEvents of a type this contract version does not know. */
  onUnknown?: (type: string, raw: Record<string, unknown>, message: M) => Promise<void> | void;
  /** Called for known types that have no handler. */
  onUnhandled?: (event: TenantEvent, message: M) => Promise<void> | void;
  /**
   * Runs the delivery of a handled event (opening its sealed fields, then its handler), e.g. inside
   * worker-kit's database-outage hold: opening reads keys from the database, so it belongs inside.
   */
  around?: (deliver: () => Promise<void>, event: TenantEvent, message: M) => Promise<void>;
}

type AnyHandler<M> = (event: TenantEvent, message: M) => Promise<void> | void;

/**
 * The one event dispatcher: parses a message value, opens sealed fields when given subject keys,
 * and calls the handler of the event's type. Unknown and unhandled types are skipped (SPEC §4);
 * invalid events throw EventValidationError, which a consumer runner sends to the dead-letter topic
 * without retrying. `subscribeToTenantEvents` (@tenantry/kafka) and worker-kit's `routeEvents` are
 * built on it.
 */
export function createEventDispatcher<M extends EventMessage = EventMessage>(
  handlers: EventHandlers<M>,
  options: EventDispatcherOptions<M> = {},
): (message: M) => Promise<void> {
  const { subjectKeys, around } = options;
  return async (message: M): Promise<void> => {
    let parsed;
    try {
      parsed = parseEvent(message.value);
    } catch (error) {
      options.onInvalid?.(error, message);
      throw error;
    }
    if (!parsed.known) {
      await options.onUnknown?.(parsed.type, parsed.raw, message);
      return;
    }
    const { event } = parsed;
    const handler = handlers[event.type] as AnyHandler<M> | undefined;
    if (!handler) {
      await options.onUnhandled?.(event, message);
      return;
    }
    const deliver = async () => {
      await handler(subjectKeys ? await openEvent(event, subjectKeys) : event, message);
    };
    await (around ? around(deliver, event, message) : deliver());
  };
}
