import type { FastifyRequest } from 'fastify';
import { traceContextFields, type TraceContextFields } from '@tenantry/telemetry';

/**
 * The caller's W3C `traceparent`/`tracestate` headers, for the events a request writes. With
 * tracing on the events carry the request's own spans instead (same trace); this is what they
 * carry with tracing off.
 */
export function traceContextOf(request: FastifyRequest): TraceContextFields {
  return traceContextFields(request.headers);
}
