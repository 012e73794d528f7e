import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@tenantry/config';
import type { TokenClaims } from '@tenantry/auth';
import { findCaller, type CallerRecord } from '@tenantry/control-db';
import { ApiError } from '../errors.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Omit<TokenClaims, 'exp' | 'iat'>;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * preHandler: 401 unless the request carries a valid token of a user that still exists and is not
     * disabled (and, for a switched token, still belongs to its tenant). Routes with
     * `config: { callerCheck: 'in-handler' }` get only the token checked here and must pass what
     * their own statement read about the caller to `acceptCaller` before answering.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** The user check of `authenticate` applied to a caller read elsewhere (null: no such user). */
    acceptCaller: (request: FastifyRequest, caller: CallerRecord | null) => void;
    /** The user check of `authenticate`, with its own query: for an `in-handler` route's paths that answer before its statement runs. */
    checkCaller: (request: FastifyRequest) => Promise<void>;
    /** Whether this server can issue tokens (false when only a public key is configured). */
    canIssueTokens: boolean;
  }
  interface FastifyRequest {
    /** True between a verified token and `acceptCaller` on `in-handler` routes; a 2xx answer then is refused. */
    callerCheckPending: boolean;
  }
  interface FastifyContextConfig {
    /** 'in-handler': the route reads the caller's user row in its own statement (one round trip per request). */
    callerCheck?: 'in-handler';
  }
}

export interface AuthPluginOptions {
  jwt: Config['jwt'];
  tokenTtlSeconds: number;
}

const UUID_LIKE = /^[0-9a-f-]{36}$/i;

/** The tenant of a switched token, when it is one a query can look up; null otherwise (the check then fails). */
export function tidOf(claims: TokenClaims): string | null {
  return typeof claims.tid === 'string' && UUID_LIKE.test(claims.tid) ? claims.tid : null;
}

/**
 * Bearer JWT with the algorithm pinned: HS256 by secret, or RS256/ES256 by key pair. A token outlives
 * changes to its user, so every request also reads the user row (and the `tid` membership) — no
 * cache: disabling a user, banning or removing a member takes effect on the next request.
 */
export default fp<AuthPluginOptions>(
  async (app, { jwt, tokenTtlSeconds }) => {
    const secret =
      jwt.algorithm === 'HS256'
        ? jwt.secret
        : { public: jwt.publicKey, private: jwt.privateKey ?? 'unused-no-private-key' };
    await app.register(fastifyJwt, {
      secret,
      sign: { algorithm: jwt.algorithm, expiresIn: tokenTtlSeconds },
      // `cache`: a verified token's claims are kept (up to 1,000 tokens, never past `exp`), so a
      // repeated token skips the signature check. The claims only; the user row is read every time.
      verify: { algorithms: [jwt.algorithm], requiredClaims: ['exp', 'sub'], cache: true },
    });
    app.decorate('canIssueTokens', jwt.algorithm === 'HS256' || Boolean(jwt.privateKey));
    app.decorateRequest('callerCheckPending', false);

    const acceptCaller = (request: FastifyRequest, caller: CallerRecord | null) => {
      const claims = request.user;
      // The user row is the authority for existence, status and superuser, not the token.
      if (!caller || caller.status === 'disabled' || caller.status === 'erased') {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The user of this token no longer exists or is disabled.');
      }
      // A switched token (tid) is only good while the user still belongs to that tenant.
      if (claims.tid !== undefined && !caller.superuser && !caller.tidRole) {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'This token is for a tenant you no longer belong to; switch again.');
      }
      request.user = { ...claims, email: caller.email, superuser: caller.superuser, permissions: caller.permissions };
      request.callerCheckPending = false;
    };
    const checkCaller = async (request: FastifyRequest) => {
      acceptCaller(request, await findCaller(app.orm, request.user.sub, tidOf(request.user)));
    };
    app.decorate('acceptCaller', acceptCaller);
    app.decorate('checkCaller', checkCaller);

    app.decorate('authenticate', async (request: FastifyRequest) => {
      try {
        await request.jwtVerify();
      } catch {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'A valid, unexpired bearer token is required.');
      }
      const claims = request.user;
      if (typeof claims.sub !== 'string' || !UUID_LIKE.test(claims.sub)) {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The token has no valid subject.');
      }
      if (request.routeOptions.config.callerCheck === 'in-handler') {
        request.callerCheckPending = true;
        return;
      }
      await checkCaller(request);
    });

    // A route that deferred the user check must not answer 2xx without it (a bug, not a client error).
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.callerCheckPending && reply.statusCode < 400) {
        request.callerCheckPending = false;
        done(new Error(`${request.method} ${request.routeOptions.url} answered without checking its caller`));
        return;
      }
      done(null, payload);
    });
  },
  { name: 'tenantry-auth', dependencies: ['tenantry-control-db'] },
);
