import type { FastifyPluginAsync } from 'fastify';
import { listPlans } from '@tenantry/control-db';
import { problemResponses } from '../../schemas/problem.ts';
import { listOf } from '../../schemas/page.ts';

export const planRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);
  app.get(
    '/',
    {
      schema: {
        tags: ['plans'],
        summary: 'Plans and their user limits (null = unlimited)',
        response: {
          200: listOf({
            type: 'object',
            required: ['id', 'name', 'user_limit'],
            properties: { id: { type: 'string' }, name: { type: 'string' }, user_limit: { type: ['integer', 'null'] } },
          }),
          ...problemResponses(401),
        },
      },
    },
    async () => ({ data: await listPlans(app.orm) }),
  );
};
