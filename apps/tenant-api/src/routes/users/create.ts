import type { FastifyPluginAsync } from 'fastify';
import { hashPassword } from '@tenantry/auth';
import { createUser } from '@tenantry/control-db';
import { requireSuperuser } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { createUserBodySchema } from '../../schemas/user.ts';
import { publicUser } from './public-user.ts';

type CreateUserBody = {
  email: string;
  password?: string;
  first_name?: string;
  last_name?: string;
  superuser?: boolean;
  permissions?: string[];
};

const createSchema = {
  tags: ['users'],
  summary: 'Create a user (superuser only)',
  body: createUserBodySchema,
  response: { 201: { $ref: 'User#' }, ...problemResponses(400, 401, 403, 409, 413, 422, 429) },
};

/** `POST /v1/users`: an active user with a password, or an invited one without. */
export const createUserRoute: FastifyPluginAsync = async (app) => {
  app.post<{ Body: CreateUserBody }>('/', { schema: createSchema }, async (request, reply) => {
    requireSuperuser(request);
    const { password, ...rest } = request.body;
    const user = await createUser(app.orm, {
      ...rest,
      passwordHash: password ? await hashPassword(password) : null,
      status: password ? 'active' : 'invited',
    });
    return reply.status(201).header('location', `/v1/users/${user.id}`).send(publicUser(user));
  });
};
