import type { FastifyPluginAsync } from 'fastify';
import { eraseUser, listUserTenantPlacements } from '@tenantry/control-db';
import { eraseUserProfile } from '@tenantry/tenant-schema';
import { requireSuperuser } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';

const eraseQuerySchema = {
  type: 'object',
  required: ['erase'],
  additionalProperties: false,
  properties: {
    erase: { type: 'boolean', enum: [true], description: 'must be true: a user is only ever erased (GDPR art. 17), never soft-deleted' },
  },
} as const;

const eraseSchema = {
  tags: ['users'],
  summary: "Erase a user (superuser only): memberships, profile copies in tenant schemas, idempotency records and their key are removed; a tombstone stays",
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
  querystring: eraseQuerySchema,
  response: { 204: { type: 'null', description: 'Erased (also when it already was)' }, ...problemResponses(400, 401, 403, 404, 429) },
};

/** `DELETE /v1/users/{id}?erase=true`: the user's personal data out of every tenant schema and the control data. */
export const eraseUserRoute: FastifyPluginAsync = async (app) => {
  app.delete<{ Params: { id: string }; Querystring: { erase: true } }>('/:id', { schema: eraseSchema }, async (request, reply) => {
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
  });
};
