import { ROOT_CONTEXT, context as otelContext, defaultTextMapGetter, defaultTextMapSetter, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context as the CloudEvents distributed-tracing extension carries it on an event and
 * as Kafka headers carry it on a message: `traceparent` and, when a vendor set one, `tracestate`.
 */
export interface TraceContextFields {
  traceparent?: string;
  tracestate?: string;
}

// Used directly rather than through the global propagator, so events keep their context even
// when no SDK is started (tracing off).
const w3c = new W3CTraceContextPropagator();
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;

/** The fields of a well-formed traceparent (and its tracestate) found in `carrier`, or {}. */
export function traceContextFields(carrier: object | undefined): TraceContextFields {
  const fields = carrier as { traceparent?: unknown; tracestate?: unknown } | undefined;
  const traceparent = text(fields?.traceparent);
  if (!traceparent || !TRACEPARENT.test(traceparent)) return {};
  const tracestate = text(fields?.tracestate);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** Kafka header values arrive as Buffers (or arrays of them); HTTP ones as string arrays. */
function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/** The trace id (32 hex) of a well-formed traceparent. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}

/** `fields` written out of `ctx` (default: the active context); {} when it holds no valid span. */
export function traceContextOf(ctx: Context = otelContext.active()): TraceContextFields {
  const carrier: TraceContextFields = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return traceContextFields(carrier);
}

/**
 * The trace context to store with an event written now: the active span's (tracing on), or
 * `fallback` (the caller's `traceparent` header, passed on unchanged when tracing is off).
 */
export function currentTraceContext(fallback: TraceContextFields = {}): TraceContextFields {
  const current = traceContextOf();
  return current.traceparent ? current : traceContextFields(fallback);
}

/** A context whose remote parent is `fields`' span; ROOT when `fields` holds none. */
export function contextFrom(fields: TraceContextFields): Context {
  const valid = traceContextFields(fields);
  return valid.traceparent ? w3c.extract(ROOT_CONTEXT, valid, defaultTextMapGetter) : ROOT_CONTEXT;
}

/** The trace id of the active span, when one is recording or was propagated in. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getSpanContext(otelContext.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
