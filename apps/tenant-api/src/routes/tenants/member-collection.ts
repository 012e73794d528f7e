import type { FastifyPluginAsync } from 'fastify';
import { addMember, listMembers, type MemberRole } from '@tenantry/control-db';
import type { TenantMember } from '@tenantry/tenant-events';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { memberRoleSchema, memberSchema, tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { listOf } from '../../schemas/page.ts';
import { traceContextOf } from '../../trace-context.ts';

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

const listSchema = {
  tags: ['members'],
  summary: 'Members of a tenant',
  params: tenantIdParamsSchema,
  response: { 200: listOf(memberSchema), ...problemResponses(400, 401, 404) },
};

const addSchema = {
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
      role: memberRoleSchema,
      first_name: { type: 'string', maxLength: 100 },
      last_name: { type: 'string', maxLength: 100 },
    },
  },
  response: { 201: memberSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
};

type AddBody = { email: string; role: MemberRole; first_name?: string; last_name?: string };

/** `GET` and `POST /v1/tenants/{id}/members`: the members of a tenant, and adding one by email. */
export const memberCollectionRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/:id/members', { schema: listSchema }, async (request) => {
    await requireTenantAccess(app, request, request.params.id, ALL_ROLES);
    return { data: await listMembers(app.orm, request.params.id) };
  });

  app.post<{ Params: { id: string }; Body: AddBody }>('/:id/members', { preHandler: app.idempotent, schema: addSchema }, async (request, reply) => {
    await requireTenantAccess(app, request, request.params.id, ['admin'], { write: true });
    return reply.sendIdempotent<TenantMember>(
      (idempotency) => addMember(app.orm, request.params.id, request.body, traceContextOf(request), idempotency),
      (member) => ({
        statusCode: 201,
        headers: { location: `/v1/tenants/${request.params.id}/members/${member.user_id}` },
        body: newMembershipView(member, request.body),
      }),
    );
  });
};
