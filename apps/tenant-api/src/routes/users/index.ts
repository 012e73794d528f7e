import type { FastifyPluginAsync } from 'fastify';
import { hashPassword } from '@tenantry/auth';
import { createUser, findUserById, listUserMemberships } from '@tenantry/control-db';
import { requireSuperuser } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { createUserBodySchema, membershipSchema, userSchema } from '../../schemas/user.ts';

type CreateUserBody = {
  email: string;
  password?: string;
  first_name?: string;
  last_name?: string;
  superuser?: boolean;
  permissions?: string[];
};

const userRef = { $ref: 'User#' } as const;

function publicUser(user: { id: string; email: string; first_name: string | null; last_name: string | null; superuser: boolean; permissions: string[]; status: string }) {
  const { id, email, first_name, last_name, superuser, permissions, status } = user;
  return { id, email, first_name, last_name, superuser, permissions, status };
}

export const userRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/me',
    {
      schema: {
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
      },
    },
    async (request) => {
      const user = await findUserById(app.orm, request.user.sub);
      if (!user) throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The user of this token no longer exists.');
      return { ...publicUser(user), memberships: await listUserMemberships(app.orm, user.id) };
    },
  );

  app.post<{ Body: CreateUserBody }>(
    '/',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (superuser only)',
        body: createUserBodySchema,
        response: { 201: userRef, ...problemResponses(400, 401, 403, 409, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      requireSuperuser(request);
      const { password, ...rest } = request.body;
      const user = await createUser(app.orm, {
        ...rest,
        passwordHash: password ? await hashPassword(password) : null,
        status: password ? 'active' : 'invited',
      });
      return reply.status(201).header('location', `/v1/users/${user.id}`).send(publicUser(user));
    },
  );
};
