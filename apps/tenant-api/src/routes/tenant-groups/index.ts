import type { FastifyPluginAsync } from 'fastify';
import { createTenantGroup, listTenantGroups } from '@tenantry/control-db';
import { requireSuperuser } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { listOf } from '../../schemas/page.ts';

const groupSchema = {
  type: 'object',
  required: ['id', 'name', 'created_at'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string' } },
} as const;

export const tenantGroupRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);
  app.addHook('preHandler', async (request) => requireSuperuser(request));

  app.post<{ Body: { name: string } }>(
    '/',
    {
      schema: {
        tags: ['tenant-groups'],
        summary: 'Create a tenant group (superuser)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 201: groupSchema, ...problemResponses(400, 401, 403, 409, 413, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await createTenantGroup(app.orm, request.body.name.trim())),
  );

  app.get(
    '/',
    {
      schema: {
        tags: ['tenant-groups'],
        summary: 'List tenant groups (superuser)',
        response: { 200: listOf(groupSchema), ...problemResponses(401, 403) },
      },
    },
    async () => ({ data: await listTenantGroups(app.orm) }),
  );
};
