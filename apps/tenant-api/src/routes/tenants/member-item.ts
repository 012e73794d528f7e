import type { FastifyPluginAsync } from 'fastify';
import { removeMember, updateMember, type MemberRole, type MembershipStatus } from '@tenantry/control-db';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { memberRoleSchema, memberSchema } from '../../schemas/tenant.ts';
import { traceContextOf } from '../../trace-context.ts';

const memberParams = {
  type: 'object',
  required: ['id', 'user_id'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } },
} as const;

const changeSchema = {
  tags: ['members'],
  summary: "Change a member's role or status; 409 if no active admin would remain",
  params: memberParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { role: memberRoleSchema, status: { type: 'string', enum: ['active', 'passive', 'banned', 'invited'] } },
  },
  response: { 200: memberSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
};

const removeSchema = {
  tags: ['members'],
  summary: 'Remove a member (superuser, tenant admin, or the member itself); 409 for the last admin',
  params: memberParams,
  response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 409, 429) },
};

type MemberParams = { id: string; user_id: string };

/** `PATCH` and `DELETE /v1/tenants/{id}/members/{user_id}`: one membership's role or status, and its removal. */
export const memberItemRoutes: FastifyPluginAsync = async (app) => {
  app.patch<{ Params: MemberParams; Body: { role?: MemberRole; status?: MembershipStatus } }>('/:id/members/:user_id', { schema: changeSchema }, async (request) => {
    await requireTenantAccess(app, request, request.params.id, ['admin'], { write: true });
    return updateMember(app.orm, request.params.id, request.params.user_id, request.body, traceContextOf(request));
  });

  app.delete<{ Params: MemberParams }>('/:id/members/:user_id', { schema: removeSchema }, async (request, reply) => {
    const self = request.user.sub === request.params.user_id;
    await requireTenantAccess(app, request, request.params.id, self ? ALL_ROLES : ['admin'], { write: true });
    if (!request.params.user_id) throw new ApiError('TNT_ERR_MALFORMED_REQUEST', 'user_id is required.');
    await removeMember(app.orm, request.params.id, request.params.user_id, traceContextOf(request));
    return reply.status(204).send();
  });
};
