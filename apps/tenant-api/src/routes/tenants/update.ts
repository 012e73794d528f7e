import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { updateTenant } from '@tenantry/control-db';
import { requireTenantAccess } from '../../access.ts';
import { ifMatchAccepts } from '../../http/entity-tags.ts';
import { normalizeTenantPatch, type TenantBody } from '../../domain/tenant-input.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { patchTenantBodySchema, tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { traceContextOf } from '../../trace-context.ts';
import { etag } from './tenant-etag.ts';
import { checkGroup, requireSuperuserForBilling } from './tenant-write-checks.ts';

type UpdateRequest = FastifyRequest<{ Params: { id: string }; Body: TenantBody }>;

const patchSchema = {
  tags: ['tenants'],
  summary: 'Partial update; emits TenantUpdated with changed_fields (nothing when nothing changes)',
  params: tenantIdParamsSchema,
  headers: { type: 'object', properties: { 'if-match': { type: 'string', maxLength: 200 } } },
  body: patchTenantBodySchema,
  response: { 200: { $ref: 'Tenant#' }, ...problemResponses(400, 401, 403, 404, 409, 412, 413, 422, 429) },
};

/** `PATCH /v1/tenants/{id}` and its alias `PUT`: a partial update, conditional on If-Match when sent. */
export const updateTenantRoutes: FastifyPluginAsync = async (app) => {
  const update = async (request: UpdateRequest, reply: FastifyReply) => {
    await requireTenantAccess(app, request, request.params.id, ['admin'], { write: true });
    requireSuperuserForBilling(request, request.body);
    const patch = normalizeTenantPatch(request.body ?? {});
    await checkGroup(app, patch.group_id);
    const ifMatch = request.headers['if-match'];
    const precondition = ifMatch === undefined ? undefined : { header: ifMatch, accepts: (version: number) => ifMatchAccepts(ifMatch, version) };
    const { tenant } = await updateTenant(app.orm, request.params.id, patch, { ifMatch: precondition, ...traceContextOf(request) });
    return reply.header('etag', etag(tenant.version)).send(tenant);
  };
  app.patch<{ Params: { id: string }; Body: TenantBody }>('/:id', { schema: patchSchema }, update);
  app.put<{ Params: { id: string }; Body: TenantBody }>('/:id', { schema: { ...patchSchema, summary: 'Alias of PATCH' } }, update);
};
