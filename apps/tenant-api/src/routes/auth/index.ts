import type { FastifyPluginAsync } from 'fastify';
import { verifyPassword } from '@tenantry/auth';
import { findUserByEmail, touchLastLogin } from '@tenantry/control-db';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';

const tokenBody = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const tokenResponse = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer' },
  },
} as const;

export const authRoutes: FastifyPluginAsync<{ tokenTtlSeconds: number }> = async (app, { tokenTtlSeconds }) => {
  app.post<{ Body: { email: string; password: string } }>(
    '/token',
    {
      config: { anonymous: true },
      onRequest: app.loginRateLimit,
      preHandler: app.loginAccountRateLimit,
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for a bearer token',
        security: [],
        body: tokenBody,
        response: { 200: tokenResponse, ...problemResponses(400, 401, 413, 422, 429, 503) },
      },
    },
    async (request) => {
      if (!app.canIssueTokens) {
        throw new ApiError('TNT_ERR_UNAVAILABLE', 'This server only verifies tokens (no JWT_PRIVATE_KEY); get one from your identity provider.');
      }
      const user = await findUserByEmail(app.orm, request.body.email);
      // Same work and same answer for an unknown email and a wrong password.
      const ok = await verifyPassword(user?.password_hash, request.body.password);
      if (!user || !ok || user.status !== 'active') {
        throw new ApiError('TNT_ERR_BAD_CREDENTIALS', 'The email or password is wrong.');
      }
      await touchLastLogin(app.orm, user.id);
      const accessToken = await app.jwt.sign({
        sub: user.id,
        email: user.email,
        superuser: user.superuser,
        permissions: user.permissions,
      });
      return { access_token: accessToken, token_type: 'Bearer', expires_in: tokenTtlSeconds };
    },
  );
};
