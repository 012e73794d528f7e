import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of the login route: attempts per client address (no-op when turned off). */
    loginRateLimit: onRequestHookHandler;
    /** preHandler hook of the login route (the body is parsed by then): attempts per account, the email tried. */
    loginAccountRateLimit: preHandlerHookHandler;
  }
  interface FastifyContextConfig {
    /** The route answers callers without a token (login): their writes count against their address. */
    anonymous?: boolean;
  }
}

export interface RateLimitOptions {
  writesPerMinute: number;
  loginsPerMinute: number;
  loginsPerAccountPerMinute: number;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MINUTE = 60_000;
/** Key of a request the write limit does not count (a read; no valid token where one is needed). */
const NOT_COUNTED = '';
// Buckets kept per process (LRU); enough that a flood of addresses cannot evict an account's bucket cheaply.
const BUCKETS = 50_000;

/**
 * Whose write this is: the subject of a verified token (however the scheme is spelled and
 * whichever of the user's tokens it is), else the peer address on a route open to anonymous
 * callers. A request without a valid token on any other route is not counted here: authentication
 * answers it 401 first, and a made-up token never opens a bucket of its own.
 */
async function writerKey(request: FastifyRequest): Promise<string> {
  if (!WRITE_METHODS.has(request.method)) return NOT_COUNTED;
  if (request.headers.authorization !== undefined) {
    try {
      const claims = await request.jwtVerify<{ sub?: unknown }>();
      if (typeof claims.sub === 'string') return `user:${claims.sub}`;
    } catch {
      // Not a valid token: the caller is anonymous.
    }
  }
  return request.routeOptions.config.anonymous ? `address:${request.ip}` : NOT_COUNTED;
}

function accountKey(request: FastifyRequest): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `account:${email.trim().toLowerCase()}` : NOT_COUNTED;
}

type Limiter = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; max?: number; ttlInSeconds?: number }>;

/** A 429 with Retry-After once `limiter` says the bucket is spent. */
function enforce(limiter: Limiter, what: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const outcome = await limiter(request);
    if (outcome.isAllowed || !outcome.isExceeded) return;
    reply.header('retry-after', String(outcome.ttlInSeconds));
    throw new ApiError('TNT_ERR_RATE_LIMITED', `Rate limit of ${outcome.max} ${what} a minute reached; retry after ${outcome.ttlInSeconds} s.`);
  };
}

/**
 * RATE_LIMIT_MAX writes a minute per caller (SPEC §3; reads are not limited), LOGIN_RATE_LIMIT_MAX
 * login attempts a minute per client address and LOGIN_ACCOUNT_RATE_LIMIT_MAX per account; 0 turns
 * each off. The client address is the peer's unless TRUST_PROXY names the proxies to believe.
 */
export default fp<RateLimitOptions>(
  async (app, { writesPerMinute, loginsPerMinute, loginsPerAccountPerMinute }) => {
    await app.register(rateLimit, { global: false, cache: BUCKETS });
    const limiter = (max: number, keyGenerator: (request: FastifyRequest) => string | Promise<string>): Limiter =>
      app.createRateLimit({ max, timeWindow: MINUTE, keyGenerator, allowList: (_request, key) => key === NOT_COUNTED }) as Limiter;

    if (writesPerMinute > 0) app.addHook('onRequest', enforce(limiter(writesPerMinute, writerKey), 'writes'));
    const noLimit = async () => {};
    app.decorate('loginRateLimit', loginsPerMinute > 0 ? enforce(limiter(loginsPerMinute, (request) => `login:${request.ip}`), 'login attempts') : noLimit);
    app.decorate(
      'loginAccountRateLimit',
      loginsPerAccountPerMinute > 0 ? enforce(limiter(loginsPerAccountPerMinute, accountKey), 'login attempts for this account') : noLimit,
    );
  },
  { name: 'tenantry-rate-limit', dependencies: ['tenantry-auth'] },
);
