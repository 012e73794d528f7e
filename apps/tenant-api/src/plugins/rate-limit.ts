import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The token (hashed by its signature) identifies the caller; without one, the address does. */
function callerKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return `token:${header.slice(-43)}`;
  return `ip:${request.ip}`;
}

/** RATE_LIMIT_MAX writes a minute per caller (SPEC §3); 0 turns it off. Reads are not limited. */
export default fp<{ max: number }>(
  async (app, { max }) => {
    if (max === 0) return;
    await app.register(rateLimit, {
      global: true,
      max,
      timeWindow: 60_000,
      keyGenerator: callerKey,
      allowList: (request) => !WRITE_METHODS.has(request.method),
      errorResponseBuilder: (_request, context) => {
        const error = new Error(`Rate limit of ${context.max} writes a minute reached.`) as Error & { statusCode: number };
        error.statusCode = 429;
        return error;
      },
    });
  },
  { name: 'tenantry-rate-limit' },
);
