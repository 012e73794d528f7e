import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { activeTraceId, traceContextFields, traceIdOf } from '@tenantry/telemetry';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For Fastify's `childLoggerFactory`: every line of a request carries its `trace_id`, the trace
 * of the request's server span (tracing on) or of the caller's `traceparent` (tracing off).
 */
export function requestTraceFields(raw: IncomingMessage): { trace_id?: string } {
  const traceId = activeTraceId() ?? traceIdOf(traceContextFields(raw.headers).traceparent);
  return traceId ? { trace_id: traceId } : {};
}

/** The tenant a route is about (`/v1/tenants/{id}/...`) and, once authenticated, the caller. */
function subjectFields(request: FastifyRequest): { tenant_id?: string; user_id?: string } {
  const tenantId = (request.params as { id?: unknown } | undefined)?.id;
  const userId = (request.user as { sub?: unknown } | undefined)?.sub;
  return {
    ...(typeof tenantId === 'string' && request.routeOptions.url?.startsWith('/v1/tenants/') ? { tenant_id: tenantId } : {}),
    ...(typeof userId === 'string' ? { user_id: userId } : {}),
  };
}

/**
 * Fastify's two request lines ("incoming request", "request completed"), at `debug` for reads that
 * succeed and at `info` for writes and for every answer >= 400: at the default LOG_LEVEL=info, reads
 * cost no log I/O while writes and refusals stay visible. A read's completion line at `info` carries
 * the request (method, url) itself, since its "incoming request" line was at `debug`. Both lines
 * carry `tenant_id` where the route has one; the completion line also `user_id` once authenticated.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    const fields = { req: request, ...subjectFields(request) };
    if (READ_METHODS.has(request.method)) request.log.debug(fields, 'incoming request');
    else request.log.info(fields, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const subject = subjectFields(request);
    if (error) {
      reply.log.error({ ...subject, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    const read = READ_METHODS.has(request.method);
    if (read && reply.statusCode < 400) {
      reply.log.debug({ ...subject, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    } else {
      reply.log.info({ ...(read ? { req: request } : {}), ...subject, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}
