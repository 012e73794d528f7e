import type { FastifyPluginAsync } from 'fastify';
import { findUserById, listUserMemberships } from '@tenantry/control-db';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { membershipSchema, userSchema } from '../../schemas/user.ts';
import { publicUser } from './public-user.ts';

const meSchema = {
  tags: ['users'],
  summary: 'The caller, with memberships',
  response: {
    200: {
      type: 'object',
      required: [...userSchema.required, 'memberships'],
      properties: { ...userSchema.properties, memberships: { type: 'array', items: membershipSchema } },
    },
    ...problemResponses(401),
  },
};

/** `GET /v1/users/me`: the caller's account and memberships. */
export const meRoute: FastifyPluginAsync = async (app) => {
  app.get('/me', { schema: meSchema }, async (request) => {
    const user = await findUserById(app.orm, request.user.sub);
    if (!user || user.status === 'erased') throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The user of this token no longer exists.');
    return { ...publicUser(user), memberships: await listUserMemberships(app.orm, user.id) };
  });
};
