import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@tenantry/config';
import type { TokenClaims } from '@tenantry/auth';
import { findUserById, memberRole } from '@tenantry/control-db';
import { ApiError } from '../errors.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Omit<TokenClaims, 'exp' | 'iat'>;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: 401 unless the request carries a valid token of a user that still exists and is not disabled. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Whether this server can issue tokens (false when only a public key is configured). */
    canIssueTokens: boolean;
  }
}

export interface AuthPluginOptions {
  jwt: Config['jwt'];
  tokenTtlSeconds: number;
}

/** Bearer JWT with the algorithm pinned: HS256 by secret, or RS256/ES256 by key pair. */
export default fp<AuthPluginOptions>(
  async (app, { jwt, tokenTtlSeconds }) => {
    const secret =
      jwt.algorithm === 'HS256'
        ? jwt.secret
        : { public: jwt.publicKey, private: jwt.privateKey ?? 'unused-no-private-key' };
    await app.register(fastifyJwt, {
      secret,
      sign: { algorithm: jwt.algorithm, expiresIn: tokenTtlSeconds },
      verify: { algorithms: [jwt.algorithm], requiredClaims: ['exp', 'sub'] },
    });
    app.decorate('canIssueTokens', jwt.algorithm === 'HS256' || Boolean(jwt.privateKey));
    app.decorate('authenticate', async (request: FastifyRequest) => {
      try {
        await request.jwtVerify();
      } catch {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'A valid, unexpired bearer token is required.');
      }
      const claims = request.user;
      if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub)) {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The token has no valid subject.');
      }
      // A token outlives changes to its user; the user row is the authority for existence and superuser.
      const user = await findUserById(app.orm, claims.sub);
      if (!user || user.status === 'disabled') {
        throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The user of this token no longer exists or is disabled.');
      }
      // A switched token (tid) is only good while the user still belongs to that tenant.
      if (claims.tid !== undefined && !user.superuser) {
        const role = typeof claims.tid === 'string' && /^[0-9a-f-]{36}$/i.test(claims.tid) ? await memberRole(app.orm, claims.tid, user.id) : null;
        if (!role) throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'This token is for a tenant you no longer belong to; switch again.');
      }
      request.user = {
        ...claims,
        email: user.email,
        superuser: user.superuser,
        permissions: user.permissions,
      };
    });
  },
  { name: 'tenantry-auth', dependencies: ['tenantry-control-db'] },
);
