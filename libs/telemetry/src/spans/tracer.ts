import { SpanKind, SpanStatusCode, context as otelContext, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';

export { SpanKind };

/** One tracer for the spans the project makes itself (outbox, relay, consumers). */
export const tracer = trace.getTracer('@tenantry/telemetry');

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent; default the active context. */
  parent?: Context;
}

/**
 * Runs `work` inside a new active span: its errors are recorded on the span and rethrown, the
 * span ends when `work` settles. Without an SDK the tracer is a no-op and this costs next to nothing.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T> | T): Promise<T> {
  const parent = options.parent ?? otelContext.active();
  return tracer.startActiveSpan(name, { kind: options.kind, attributes: options.attributes, links: options.links }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
