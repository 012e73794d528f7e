import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  findIdempotentAnswer,
  IdempotencyKeyTakenError,
  storeIdempotentAnswer,
  sweepExpiredIdempotencyKeys,
  type IdempotencyScope,
  type IdempotentAnswer,
  type IdempotentCommand,
} from '@tenantry/control-db';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `app.idempotent` when the request carries a fresh Idempotency-Key. */
    idempotencyScope?: IdempotencyScope;
  }
  interface FastifyInstance {
    /** Route-level preHandler (runs after authentication) honouring the Idempotency-Key header. */
    idempotent: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyReply {
    /**
     * Runs a command with the request's Idempotency-Key (if any) taken inside the command's
     * transaction, and sends `answer(result)`: the answer a retry gets is the one stored in that
     * same commit.
     */
    sendIdempotent<T>(run: (command?: IdempotentCommand<T>) => Promise<T>, answer: (result: T) => IdempotentAnswer): Promise<FastifyReply>;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
// content-type too: a replayed refusal must still be application/problem+json.
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];
const JSON_TYPE = 'application/json; charset=utf-8';
const SWEEP_EVERY_MS = 60 * 60 * 1000;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    // Own entries only: a body key named like an Object.prototype member is data, never a lookup.
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function keyReused(): ApiError {
  return new ApiError('TNT_ERR_IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body.');
}

function replay(reply: FastifyReply, answer: IdempotentAnswer): FastifyReply {
  return reply
    .status(answer.statusCode)
    .headers({ ...answer.headers, 'idempotent-replayed': 'true' })
    .send(answer.body);
}

/**
 * Idempotency-Key (SPEC §3): the first answer to (caller, route, key) is kept in PostgreSQL for
 * 24 h; a retry with the same body gets that answer and creates nothing, another body is a 409.
 * A success is stored in the transaction that makes its effect (`reply.sendIdempotent`), so a
 * process killed mid-request leaves either both or neither and a retry always learns the outcome;
 * a refusal (4xx) changed nothing and is stored after it is sent. 5xx answers are not kept.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('idempotencyScope', undefined);

    app.decorate('idempotent', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['idempotency-key'];
      if (header === undefined) return;
      if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
        throw new ApiError('TNT_ERR_MALFORMED_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
      }
      const scope: IdempotencyScope = {
        principal: request.user.sub,
        route: `${request.method} ${request.url.split('?')[0]}`,
        key: header,
        requestHash: createHash('sha256').update(canonical(request.body)).digest('hex'),
      };
      const found = await findIdempotentAnswer(app.orm, scope);
      if (found.kind === 'mismatch') throw keyReused();
      if (found.kind === 'replay') return replay(reply, found.answer);
      request.idempotencyScope = scope;
    });

    app.decorateReply('sendIdempotent', async function sendIdempotent<T>(
      this: FastifyReply,
      run: (command?: IdempotentCommand<T>) => Promise<T>,
      answer: (result: T) => IdempotentAnswer,
    ): Promise<FastifyReply> {
      const withType = (result: T): IdempotentAnswer => {
        const given = answer(result);
        return { ...given, headers: { 'content-type': JSON_TYPE, ...given.headers } };
      };
      const scope = this.request.idempotencyScope;
      const command: IdempotentCommand<T> | undefined = scope && { scope, answer: withType };
      let result: T;
      try {
        result = await run(command);
      } catch (error) {
        if (!(error instanceof IdempotencyKeyTakenError) || !scope) throw error;
        // A concurrent request with this key committed while this one waited on the key's row.
        this.request.idempotencyScope = undefined;
        const found = await findIdempotentAnswer(app.orm, scope);
        if (found.kind === 'mismatch') throw keyReused();
        if (found.kind === 'none') throw error;
        return replay(this, found.answer);
      }
      if (command?.recorded) this.request.idempotencyScope = undefined;
      const { statusCode, headers, body } = withType(result);
      return this.status(statusCode).headers(headers).send(body);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const scope = request.idempotencyScope;
      if (!scope || reply.statusCode >= 500) return payload;
      request.idempotencyScope = undefined;
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.filter((name) => reply.getHeader(name) !== undefined).map((name) => [name, String(reply.getHeader(name))]),
      );
      const body = typeof payload === 'string' && payload.length ? JSON.parse(payload) : null;
      await storeIdempotentAnswer(app.orm, scope, { statusCode: reply.statusCode, body, headers });
      return payload;
    });

    // Expired keys are taken over when reused; the sweep keeps the table from growing forever.
    const sweep = () =>
      sweepExpiredIdempotencyKeys(app.orm).then(
        (deleted) => deleted && app.log.info({ deleted }, 'expired Idempotency-Keys deleted'),
        (error) => app.log.warn({ err: error }, 'sweeping expired Idempotency-Keys failed; will retry in an hour'),
      );
    const timer = setInterval(sweep, SWEEP_EVERY_MS).unref();
    app.addHook('onReady', async () => {
      await sweep();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'tenantry-idempotency', dependencies: ['tenantry-control-db'] },
);
