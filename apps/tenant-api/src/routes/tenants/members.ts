import type { FastifyPluginAsync } from 'fastify';
import { addMember, listMembers, removeMember, updateMember, type MemberRole, type MembershipStatus } from '@tenantry/control-db';
import type { TenantMember } from '@tenantry/tenant-events';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { memberSchema, tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { listOf } from '../../schemas/page.ts';
import { traceContextOf } from '../../trace-context.ts';

const memberParams = {
  type: 'object',
  required: ['id', 'user_id'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } },
} as const;
const roleSchema = { type: 'string', enum: ['admin', 'developer', 'readonly', 'auditor'] } as const;

/**
 * The answer to adding a member: the new membership (user id to manage it, role, status, when) and
 * what the admin sent, nothing read from the account. It is the same whether the email had an
 * active account, an invited one, a disabled one or none, and carries no names the admin did not give.
 */
function newMembershipView(member: TenantMember, body: { email: string; first_name?: string; last_name?: string }): TenantMember {
  return {
    user_id: member.user_id,
    email: body.email.toLowerCase(),
    first_name: body.first_name ?? null,
    last_name: body.last_name ?? null,
    role: member.role,
    status: member.status,
    joined_at: member.joined_at,
    last_login_at: null,
  };
}

export const memberRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get<{ Params: { id: string } }>(
    '/:id/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Members of a tenant',
        params: tenantIdParamsSchema,
        response: { 200: listOf(memberSchema), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      await requireTenantAccess(app, request, request.params.id, ALL_ROLES);
      return { data: await listMembers(app.orm, request.params.id) };
    },
  );

  app.post<{ Params: { id: string }; Body: { email: string; role: MemberRole; first_name?: string; last_name?: string } }>(
    '/:id/members',
    {
      preHandler: app.idempotent,
      schema: {
        tags: ['members'],
        summary: 'Add a member by email (unknown email → invited user); honours Idempotency-Key',
        params: tenantIdParamsSchema,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string' } } },
        body: {
          type: 'object',
          required: ['email', 'role'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', format: 'email', maxLength: 254 },
            role: roleSchema,
            first_name: { type: 'string', maxLength: 100 },
            last_name: { type: 'string', maxLength: 100 },
          },
        },
        response: { 201: memberSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      await requireTenantAccess(app, request, request.params.id, ['admin'], { write: true });
      return reply.sendIdempotent<TenantMember>(
        (idempotency) => addMember(app.orm, request.params.id, request.body, traceContextOf(request), idempotency),
        (member) => ({
          statusCode: 201,
          headers: { location: `/v1/tenants/${request.params.id}/members/${member.user_id}` },
          body: newMembershipView(member, request.body),
        }),
      );
    },
  );

  app.patch<{ Params: { id: string; user_id: string }; Body: { role?: MemberRole; status?: MembershipStatus } }>(
    '/:id/members/:user_id',
    {
      schema: {
        tags: ['members'],
        summary: "Change a member's role or status; 409 if no active admin would remain",
        params: memberParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { role: roleSchema, status: { type: 'string', enum: ['active', 'passive', 'banned', 'invited'] } },
        },
        response: { 200: memberSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
      },
    },
    async (request) => {
      await requireTenantAccess(app, request, request.params.id, ['admin'], { write: true });
      return updateMember(app.orm, request.params.id, request.params.user_id, request.body, traceContextOf(request));
    },
  );

  app.delete<{ Params: { id: string; user_id: string } }>(
    '/:id/members/:user_id',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member (superuser, tenant admin, or the member itself); 409 for the last admin',
        params: memberParams,
        response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const self = request.user.sub === request.params.user_id;
      await requireTenantAccess(app, request, request.params.id, self ? ALL_ROLES : ['admin'], { write: true });
      if (!request.params.user_id) throw new ApiError('TNT_ERR_MALFORMED_REQUEST', 'user_id is required.');
      await removeMember(app.orm, request.params.id, request.params.user_id, traceContextOf(request));
      return reply.status(204).send();
    },
  );
};
