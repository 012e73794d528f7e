import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook limiting login attempts per client address (no-op when turned off). */
    loginRateLimit: onRequestHookHandler;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The token (by its signature) identifies the caller; without one, the address does. */
function callerKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return `token:${header.slice(-43)}`;
  return `ip:${request.ip}`;
}

function tooMany(what: string) {
  return (_request: FastifyRequest, context: { max: number }) => {
    const error = new Error(`Rate limit of ${context.max} ${what} a minute reached.`) as Error & { statusCode: number };
    error.statusCode = 429;
    return error;
  };
}

/**
 * RATE_LIMIT_MAX writes a minute per caller (SPEC §3; reads are not limited) and
 * LOGIN_RATE_LIMIT_MAX login attempts a minute per address; 0 turns either off. 429 carries Retry-After.
 */
export default fp<{ writesPerMinute: number; loginsPerMinute: number }>(
  async (app, { writesPerMinute, loginsPerMinute }) => {
    await app.register(rateLimit, { global: false });
    if (writesPerMinute > 0) {
      app.addHook(
        'onRequest',
        app.rateLimit({
          max: writesPerMinute,
          timeWindow: 60_000,
          keyGenerator: callerKey,
          allowList: (request) => !WRITE_METHODS.has(request.method),
          errorResponseBuilder: tooMany('writes'),
        }),
      );
    }
    const noLimit: onRequestHookHandler = async () => {};
    app.decorate(
      'loginRateLimit',
      loginsPerMinute > 0
        ? app.rateLimit({
            max: loginsPerMinute,
            timeWindow: 60_000,
            keyGenerator: (request) => `login:${request.ip}`,
            errorResponseBuilder: tooMany('login attempts'),
          })
        : noLimit,
    );
  },
  { name: 'tenantry-rate-limit' },
);
