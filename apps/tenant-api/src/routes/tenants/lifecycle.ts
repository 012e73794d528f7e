import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { changeTenantStatus, requestProvisioning, type MemberStatus, type StatusAction } from '@tenantry/control-db';
import { requireSuperuser, requireTenantAccess } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { statusChangeBodySchema, tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { traceContextOf } from '../../trace-context.ts';

type StatusRequest = FastifyRequest<{ Params: { id: string }; Body: { user_status?: MemberStatus } | null }>;

const tenantRef = { $ref: 'Tenant#' } as const;

const provisionSchema = {
  tags: ['tenants'],
  summary: 'Re-request provisioning (idempotent), e.g. after setup_failed; 202',
  params: tenantIdParamsSchema,
  response: { 202: tenantRef, ...problemResponses(400, 401, 403, 404, 429) },
};

const deleteSchema = {
  tags: ['tenants'],
  summary: 'Same as deactivate (soft delete); 204',
  params: tenantIdParamsSchema,
  response: { 204: { type: 'null', description: 'Deactivated' }, ...problemResponses(400, 401, 403, 404, 429) },
};

/** The superuser's status actions (deactivate, activate, suspend, DELETE as deactivate) and re-provisioning. */
export const tenantLifecycleRoutes: FastifyPluginAsync = async (app) => {
  const statusRoute = (action: StatusAction, summary: string) => ({
    schema: {
      tags: ['tenants'],
      summary,
      params: tenantIdParamsSchema,
      body: statusChangeBodySchema,
      response: { 200: tenantRef, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
    },
    handler: async (request: StatusRequest) => {
      await requireTenantAccess(app, request, request.params.id, 'superuser-only');
      requireSuperuser(request);
      return changeTenantStatus(app.orm, request.params.id, action, {
        userStatus: action === 'suspend' ? undefined : request.body?.user_status,
        ...traceContextOf(request),
      });
    },
  });
  app.post('/:id/deactivate', statusRoute('deactivate', 'Deactivate (soft delete): schema and data kept, tenant role loses LOGIN'));
  app.post('/:id/activate', statusRoute('activate', 'Activate again (active, or pending_setup if never provisioned)'));
  app.post('/:id/suspend', statusRoute('suspend', 'Suspend the tenant'));

  app.post<{ Params: { id: string } }>('/:id/provision', { schema: provisionSchema }, async (request, reply) => {
    await requireTenantAccess(app, request, request.params.id, 'superuser-only');
    const tenant = await requestProvisioning(app.orm, request.params.id, traceContextOf(request));
    return reply.status(202).send(tenant);
  });

  app.delete<{ Params: { id: string } }>('/:id', { schema: deleteSchema }, async (request, reply) => {
    await requireTenantAccess(app, request, request.params.id, 'superuser-only');
    requireSuperuser(request);
    await changeTenantStatus(app.orm, request.params.id, 'deactivate', traceContextOf(request));
    return reply.status(204).send();
  });
};
