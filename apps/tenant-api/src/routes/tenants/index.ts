import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  changeTenantStatus,
  ConflictError,
  requestProvisioning,
  type NewTenantAdmin,
  tenantGroupExists,
  countTenants,
  createTenant,
  findUserByEmail,
  InvalidCursorError,
  listTenantsAs,
  readTenantAs,
  updateTenant,
  type MemberStatus,
  type StatusAction,
  type TenantFields,
  type TenantListFilter,
  type IdempotentCommand,
  NoOpenTenantDatabaseError,
  TenantDatabaseDrainingError,
  UnknownTenantDatabaseError,
} from '@tenantry/control-db';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import { hashPassword } from '@tenantry/auth';
import { ALL_ROLES, checkTenantAccess, requirePermission, requireSuperuser, requireTenantAccess } from '../../access.ts';
import { tidOf } from '../../plugins/auth.ts';
import { ApiError } from '../../errors.ts';
import { ifMatchAccepts } from '../../http/entity-tags.ts';
import { normalizeNewTenant, normalizeTenantPatch, type TenantBody } from '../../domain/tenant-input.ts';
import { problemResponses } from '../../schemas/problem.ts';
import {
  createTenantBodySchema,
  patchTenantBodySchema,
  statusChangeBodySchema,
  tenantFilterQuerySchema,
  tenantIdParamsSchema,
  tenantListItemSchema,
  tenantListQuerySchema,
} from '../../schemas/tenant.ts';
import { pageOf } from '../../schemas/page.ts';
import type { TraceContextFields } from '@tenantry/telemetry';
import { traceContextOf } from '../../trace-context.ts';

type IdParams = { id: string };
type CreateBody = TenantBody & {
  name: string;
  admin?: { email: string; first_name?: string; last_name?: string; password?: string };
  database?: string;
};
type ListQuery = TenantListFilter & { limit: number; cursor?: string; offset?: number };

const tenantRef = { $ref: 'Tenant#' } as const;

/** plan_id and user_limit decide what the tenant pays for: a superuser's fields, whoever else may write the tenant. */
function requireSuperuserForBilling(request: FastifyRequest, body: TenantBody | null | undefined): void {
  const billing = (['plan_id', 'user_limit'] as const).filter((field) => body?.[field] !== undefined);
  if (billing.length > 0 && !request.user.superuser) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `Only a superuser may set ${billing.join(' and ')} (billing fields).`);
  }
}

function etag(version: number): string {
  return `W/"${version}"`;
}

function isTenant(payload: unknown): payload is TenantSnapshot {
  return typeof payload === 'object' && payload !== null && typeof (payload as TenantSnapshot).id === 'string' && typeof (payload as TenantSnapshot).version === 'number';
}

export const tenantRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);
  // Every answer that is one tenant carries its ETag: GET, create, update, the status actions, provision.
  app.addHook('preSerialization', async (_request, reply, payload) => {
    if (reply.statusCode < 300 && isTenant(payload)) reply.header('etag', etag(payload.version));
    return payload;
  });

  async function checkGroup(groupId: string | null | undefined) {
    if (groupId && !(await tenantGroupExists(app.orm, groupId))) {
      throw new ApiError('TNT_ERR_UNPROCESSABLE', 'One or more fields are invalid; see `errors`.', {
        group_id: ['is not an existing tenant group'],
      });
    }
  }

  /** Who becomes the first admin: an existing user by id, or a new one created with the tenant (same transaction). */
  async function adminFor(request: FastifyRequest, admin: CreateBody['admin']): Promise<{ adminUserId: string } | { newAdmin: NewTenantAdmin }> {
    if (!admin) return { adminUserId: request.user.sub };
    const existing = await findUserByEmail(app.orm, admin.email);
    if (existing) return { adminUserId: existing.id };
    return {
      newAdmin: {
        email: admin.email,
        first_name: admin.first_name,
        last_name: admin.last_name,
        passwordHash: admin.password ? await hashPassword(admin.password) : null,
      },
    };
  }

  app.post<{ Body: CreateBody }>(
    '/',
    {
      preHandler: app.idempotent,
      schema: {
        tags: ['tenants'],
        summary: 'Create a tenant (status pending_setup); provisioning follows asynchronously; honours Idempotency-Key',
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string' } } },
        body: createTenantBodySchema,
        response: { 201: tenantRef, ...problemResponses(400, 401, 403, 409, 413, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      requirePermission(request, 'CREATE_TENANT');
      requireSuperuserForBilling(request, request.body);
      const { admin, database, ...body } = request.body;
      if (database !== undefined && !request.user.superuser) {
        throw new ApiError('TNT_ERR_FORBIDDEN', 'Only a superuser may choose the tenant database.');
      }
      const { fields, slugDerived } = normalizeNewTenant(body);
      await checkGroup(fields.group_id);
      const adminChoice = await adminFor(request, admin);
      return reply.sendIdempotent<TenantSnapshot>(
        (idempotency) => createWithSlugRetry({ fields, database }, slugDerived, adminChoice, traceContextOf(request), idempotency).catch(placementProblem),
        (tenant) => ({ statusCode: 201, headers: { location: `/v1/tenants/${tenant.id}`, etag: etag(tenant.version) }, body: tenant }),
      );
    },
  );

  /** A derived slug that collides gets a short suffix; a slug the caller chose is a 409. */
  async function createWithSlugRetry(
    { fields, database }: { fields: TenantFields; database?: string },
    slugDerived: boolean,
    admin: { adminUserId: string } | { newAdmin: NewTenantAdmin },
    meta: TraceContextFields,
    idempotency?: IdempotentCommand<TenantSnapshot>,
  ) {
    for (let attempt = 0; ; attempt++) {
      const slug = attempt === 0 ? fields.slug : `${fields.slug.slice(0, 56)}-${crypto.randomUUID().slice(0, 6)}`;
      try {
        return await createTenant(app.orm, { fields: { ...fields, slug }, database, ...admin }, meta, idempotency);
      } catch (error) {
        if (!(error instanceof ConflictError && error.field === 'slug' && slugDerived && attempt < 5)) throw error;
      }
    }
  }

  /** A database the request named that cannot take the tenant is a field problem; none open at all is an outage. */
  function placementProblem(error: unknown): never {
    if (error instanceof UnknownTenantDatabaseError || error instanceof TenantDatabaseDrainingError) {
      throw new ApiError('TNT_ERR_UNPROCESSABLE', error.message, { database: [error.message] });
    }
    if (error instanceof NoOpenTenantDatabaseError) throw new ApiError('TNT_ERR_UNAVAILABLE', error.message);
    throw error;
  }

  app.get<{ Querystring: ListQuery }>(
    '/',
    {
      config: { callerCheck: 'in-handler' },
      schema: {
        tags: ['tenants'],
        summary: 'List tenants, newest first (superusers see all, others their own)',
        querystring: tenantListQuerySchema,
        response: { 200: pageOf(tenantListItemSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { limit, cursor, offset, ...filter } = request.query;
      if (cursor !== undefined && offset !== undefined) {
        await app.checkCaller(request);
        throw new ApiError('TNT_ERR_MALFORMED_REQUEST', 'Use either cursor or offset, not both.');
      }
      // One statement reads the caller's user row with the page. The scope is taken from the token's
      // superuser claim; when the user row says otherwise (promoted or demoted since the token was
      // issued), the page is read again with the scope the row gives.
      let superuserScope = request.user.superuser === true;
      for (let attempt = 1; ; attempt++) {
        const result = await listTenantsAs(app.orm, { callerId: request.user.sub, tid: tidOf(request.user), superuserScope }, filter, { limit, cursor, offset }).catch(
          async (error: unknown) => {
            if (error instanceof InvalidCursorError) await app.checkCaller(request);
            throw error;
          },
        );
        app.acceptCaller(request, result.caller);
        if (request.user.superuser === superuserScope) return result.page;
        if (attempt === 3) throw new Error('the caller kept changing superuser status while its tenants were listed');
        superuserScope = request.user.superuser;
      }
    },
  );

  app.get<{ Querystring: TenantListFilter }>(
    '/count',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Count tenants with the same filters as the list',
        querystring: tenantFilterQuerySchema,
        response: { 200: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } }, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const scope = request.user.superuser ? {} : { memberUserId: request.user.sub };
      return { count: await countTenants(app.orm, { ...request.query, ...scope }) };
    },
  );

  app.get<{ Params: IdParams }>(
    '/:id',
    {
      config: { callerCheck: 'in-handler' },
      schema: {
        tags: ['tenants'],
        summary: 'A tenant with its members',
        params: tenantIdParamsSchema,
        response: { 200: { $ref: 'TenantWithMembers#' }, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      // One statement: the caller's user row (the authentication check), its role here, the tenant, its members.
      const { caller, role, tenant } = await readTenantAs(app.orm, { tenantId: request.params.id, callerId: request.user.sub, tid: tidOf(request.user) });
      app.acceptCaller(request, caller);
      checkTenantAccess(request, request.params.id, { exists: tenant !== null, role, status: tenant?.status }, ALL_ROLES);
      reply.header('etag', etag(tenant!.version));
      return tenant;
    },
  );

  const patchSchema = {
    tags: ['tenants'],
    summary: 'Partial update; emits TenantUpdated with changed_fields (nothing when nothing changes)',
    params: tenantIdParamsSchema,
    headers: { type: 'object', properties: { 'if-match': { type: 'string', maxLength: 200 } } },
    body: patchTenantBodySchema,
    response: { 200: tenantRef, ...problemResponses(400, 401, 403, 404, 409, 412, 413, 422, 429) },
  };
  const patchHandler = async (request: FastifyRequest<{ Params: IdParams; Body: TenantBody }>, reply: import('fastify').FastifyReply) => {
    await requireTenantAccess(app, request, request.params.id, ['admin'], { write: true });
    requireSuperuserForBilling(request, request.body);
    const patch = normalizeTenantPatch(request.body ?? {});
    await checkGroup(patch.group_id);
    const ifMatch = request.headers['if-match'];
    const precondition = ifMatch === undefined ? undefined : { header: ifMatch, accepts: (version: number) => ifMatchAccepts(ifMatch, version) };
    const { tenant } = await updateTenant(app.orm, request.params.id, patch, { ifMatch: precondition, ...traceContextOf(request) });
    return reply.header('etag', etag(tenant.version)).send(tenant);
  };
  app.patch<{ Params: IdParams; Body: TenantBody }>('/:id', { schema: patchSchema }, patchHandler);
  app.put<{ Params: IdParams; Body: TenantBody }>('/:id', { schema: { ...patchSchema, summary: 'Alias of PATCH' } }, patchHandler);

  const statusRoute = (action: StatusAction, summary: string) => ({
    schema: {
      tags: ['tenants'],
      summary,
      params: tenantIdParamsSchema,
      body: statusChangeBodySchema,
      response: { 200: tenantRef, ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429) },
    },
    handler: async (request: FastifyRequest<{ Params: IdParams; Body: { user_status?: MemberStatus } | null }>) => {
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

  app.post<{ Params: IdParams }>(
    '/:id/provision',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Re-request provisioning (idempotent), e.g. after setup_failed; 202',
        params: tenantIdParamsSchema,
        response: { 202: tenantRef, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await requireTenantAccess(app, request, request.params.id, 'superuser-only');
      const tenant = await requestProvisioning(app.orm, request.params.id, traceContextOf(request));
      return reply.status(202).send(tenant);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/:id',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Same as deactivate (soft delete); 204',
        params: tenantIdParamsSchema,
        response: { 204: { type: 'null', description: 'Deactivated' }, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await requireTenantAccess(app, request, request.params.id, 'superuser-only');
      requireSuperuser(request);
      await changeTenantStatus(app.orm, request.params.id, 'deactivate', traceContextOf(request));
      return reply.status(204).send();
    },
  );
};
