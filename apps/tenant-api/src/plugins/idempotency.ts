import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey, type IdempotencyScope } from '@tenantry/control-db';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyScope?: Omit<IdempotencyScope, 'requestHash'>;
  }
  interface FastifyInstance {
    /** Route-level preHandler (runs after authentication) honouring the Idempotency-Key header. */
    idempotent: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
// content-type too: a replayed refusal must still be application/problem+json.
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency-Key (SPEC §3): the first answer to (caller, route, key) is stored in PostgreSQL for
 * 24 h; a retry with the same body gets that answer and creates nothing, another body is a 409.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.decorate('idempotent', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['idempotency-key'];
      if (header === undefined) return;
      if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
        throw new ApiError('TNT_ERR_MALFORMED_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
      }
      const scope = {
        principal: request.user.sub,
        route: `${request.method} ${request.url.split('?')[0]}`,
        key: header,
      };
      const claim = await claimIdempotencyKey(app.orm, {
        ...scope,
        requestHash: createHash('sha256').update(canonical(request.body)).digest('hex'),
      });
      if (claim.kind === 'mismatch') {
        throw new ApiError('TNT_ERR_IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body.');
      }
      if (claim.kind === 'in-progress') {
        throw new ApiError('TNT_ERR_IDEMPOTENCY_IN_PROGRESS', 'The first request with this Idempotency-Key is still running; retry shortly.');
      }
      if (claim.kind === 'replay') {
        reply.headers({ ...claim.headers, 'idempotent-replayed': 'true' });
        return reply.status(claim.statusCode).send(claim.response);
      }
      request.idempotencyScope = scope;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const scope = request.idempotencyScope;
      if (!scope) return payload;
      request.idempotencyScope = undefined;
      if (reply.statusCode >= 500) {
        await releaseIdempotencyKey(app.orm, scope);
        return payload;
      }
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.filter((name) => reply.getHeader(name) !== undefined).map((name) => [name, String(reply.getHeader(name))]),
      );
      const body = typeof payload === 'string' && payload.length ? JSON.parse(payload) : null;
      await completeIdempotencyKey(app.orm, scope, reply.statusCode, body, headers);
      return payload;
    });
  },
  { name: 'tenantry-idempotency', dependencies: ['tenantry-control-db'] },
);
