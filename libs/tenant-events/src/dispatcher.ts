import type { EventType, TenantEvent } from './event-types.ts';
import { parseEvent } from './serializer.ts';

/** One optional handler per event type, each typed for its event. */
export type EventHandlers = {
  [K in EventType]?: (event: TenantEvent<K>) => Promise<void> | void;
};

export interface EventDispatcherOptions {
  /** Called for well-formed CloudEvents of a type this contract version does not know. */
  onUnknown?: (type: string, raw: Record<string, unknown>) => Promise<void> | void;
  /** Called for known types that have no handler. */
  onUnhandled?: (event: TenantEvent) => Promise<void> | void;
}

/**
 * The typed subscribe helper: turns a message value into a call of the matching handler.
 * Unknown and unhandled types are skipped (SPEC §4); invalid events throw EventValidationError,
 * which a consumer runner sends to the dead-letter topic without retrying.
 * Works with any message that has a `value` (kafkajs, @tenantry/kafka runConsumer).
 */
export function createEventDispatcher(handlers: EventHandlers, options: EventDispatcherOptions = {}) {
  return async (message: { value: Buffer | string | null | undefined }): Promise<void> => {
    const parsed = parseEvent(message.value);
    if (!parsed.known) {
      await options.onUnknown?.(parsed.type, parsed.raw);
      return;
    }
    const handler = handlers[parsed.event.type] as ((event: TenantEvent) => Promise<void> | void) | undefined;
    if (handler) await handler(parsed.event);
    else await options.onUnhandled?.(parsed.event);
  };
}
