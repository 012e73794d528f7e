import { EventValidationError } from './errors.ts';
import { isEventType, type TenantEvent } from './event-types.ts';
import { cloudEventCoreProblems, validateEvent } from './validator.ts';

/** What a consumer gets back: a typed event, or a well-formed CloudEvent of a type it may ignore. */
export type ParsedEvent =
  | { known: true; event: TenantEvent }
  | { known: false; type: string; raw: Record<string, unknown> };

/** Validates, then encodes as UTF-8 JSON. Throws EventValidationError listing every problem. */
export function serializeEvent(event: TenantEvent): Buffer {
  const problems = validateEvent(event);
  if (problems.length) {
    throw new EventValidationError(`Refusing to serialize invalid ${String(event?.type)} event`, problems, {
      eventType: event?.type,
      eventId: event?.id,
    });
  }
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/**
 * Decodes a structured CloudEvent. Unknown types (and unknown fields) are tolerated so newer
 * producers never crash older consumers; anything else that breaks the contract throws
 * EventValidationError (`retriable = false`).
 */
export function parseEvent(value: Buffer | string | null | undefined): ParsedEvent {
  if (value === null || value === undefined) {
    throw new EventValidationError('Invalid event', ['message has no value (tombstone?); expected a CloudEvent JSON']);
  }
  const text = typeof value === 'string' ? value : value.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EventValidationError('Invalid event', [`value is not JSON: ${(error as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EventValidationError('Invalid event', ['value must be a JSON object (a structured CloudEvent)']);
  }
  const record = raw as Record<string, unknown>;
  const context = {
    eventType: typeof record.type === 'string' ? record.type : undefined,
    eventId: typeof record.id === 'string' ? record.id : undefined,
  };
  const core = cloudEventCoreProblems(record);
  if (core.length) throw new EventValidationError('Invalid CloudEvent', core, context);

  const type = record.type as string;
  if (!isEventType(type)) return { known: false, type, raw: record };

  const problems = validateEvent(record);
  if (problems.length) {
    throw new EventValidationError(`Invalid ${type} event${context.eventId ? ` ${context.eventId}` : ''}`, problems, context);
  }
  return { known: true, event: record as unknown as TenantEvent };
}
