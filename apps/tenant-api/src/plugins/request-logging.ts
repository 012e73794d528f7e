import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Fastify's two request lines ("incoming request", "request completed"), at `debug` for reads that
 * succeed and at `info` for writes and for every answer >= 400: at the default LOG_LEVEL=info, reads
 * cost no log I/O while writes and refusals stay visible. A read's completion line at `info` carries
 * the request (method, url) itself, since its "incoming request" line was at `debug`.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    if (READ_METHODS.has(request.method)) request.log.debug({ req: request }, 'incoming request');
    else request.log.info({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    const read = READ_METHODS.has(request.method);
    if (read && reply.statusCode < 400) {
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    } else {
      reply.log.info({ ...(read ? { req: request } : {}), res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}
