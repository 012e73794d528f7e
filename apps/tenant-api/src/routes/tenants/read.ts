import type { FastifyPluginAsync } from 'fastify';
import { readTenantAs } from '@tenantry/control-db';
import { ALL_ROLES, checkTenantAccess } from '../../access.ts';
import { tidOf } from '../../plugins/auth.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { etag } from './tenant-etag.ts';

const readSchema = {
  tags: ['tenants'],
  summary: 'A tenant with its members',
  params: tenantIdParamsSchema,
  response: { 200: { $ref: 'TenantWithMembers#' }, ...problemResponses(400, 401, 404) },
};

/** `GET /v1/tenants/{id}`: the tenant with its members, for any member of it. */
export const readTenantRoute: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/:id', { config: { callerCheck: 'in-handler' }, schema: readSchema }, async (request, reply) => {
    // One statement: the caller's user row (the authentication check), its role here, the tenant, its members.
    const { caller, role, tenant } = await readTenantAs(app.orm, { tenantId: request.params.id, callerId: request.user.sub, tid: tidOf(request.user) });
    app.acceptCaller(request, caller);
    checkTenantAccess(request, request.params.id, { exists: tenant !== null, role, status: tenant?.status }, ALL_ROLES);
    reply.header('etag', etag(tenant!.version));
    return tenant;
  });
};
