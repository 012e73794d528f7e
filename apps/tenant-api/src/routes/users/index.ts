import type { FastifyPluginAsync } from 'fastify';
import { hashPassword } from '@tenantry/auth';
import { createUser, eraseUser, findUserById, listUserMemberships, listUserTenantPlacements } from '@tenantry/control-db';
import { eraseUserProfile } from '@tenantry/tenant-schema';
import tenantDatabases from '../../plugins/tenant-databases.ts';
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

const eraseQuerySchema = {
  type: 'object',
  required: ['erase'],
  additionalProperties: false,
  properties: {
    erase: { type: 'boolean', enum: [true], description: 'must be true: a user is only ever erased (GDPR art. 17), never soft-deleted' },
  },
} as const;

export const userRoutes: FastifyPluginAsync = async (app) => {
  await app.register(tenantDatabases);
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
      if (!user || user.status === 'erased') throw new ApiError('TNT_ERR_UNAUTHENTICATED', 'The user of this token no longer exists.');
      return { ...publicUser(user), memberships: await listUserMemberships(app.orm, user.id) };
    },
  );

  app.delete<{ Params: { id: string }; Querystring: { erase: true } }>(
    '/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Erase a user (superuser only): memberships, profile copies in tenant schemas, idempotency records and their key are removed; a tombstone stays",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        querystring: eraseQuerySchema,
        response: { 204: { type: 'null', description: 'Erased (also when it already was)' }, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      requireSuperuser(request);
      const userId = request.params.id;
      // Tenant schemas first (idempotent): a crash after them leaves the control row to erase on retry,
      // never a tombstone whose profile copies remain.
      for (const { tenantId, database } of await listUserTenantPlacements(app.orm, userId)) {
        await app.tenantDatabases.use(database, (orm) => eraseUserProfile(orm, tenantId, userId));
      }
      const { erased } = await eraseUser(app.orm, userId);
      request.log.info({ user_id: userId, erased, by: request.user.sub }, erased ? 'user erased' : 'user was already erased');
      return reply.status(204).send();
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
