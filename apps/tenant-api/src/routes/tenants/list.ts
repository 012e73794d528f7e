import type { FastifyPluginAsync } from 'fastify';
import { countTenants, InvalidCursorError, listTenantsAs, type TenantListFilter } from '@tenantry/control-db';
import { tidOf } from '../../plugins/auth.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantFilterQuerySchema, tenantListItemSchema, tenantListQuerySchema } from '../../schemas/tenant.ts';
import { pageOf } from '../../schemas/page.ts';

type ListQuery = TenantListFilter & { limit: number; cursor?: string; offset?: number };

const listSchema = {
  tags: ['tenants'],
  summary: 'List tenants, newest first (superusers see all, others their own)',
  querystring: tenantListQuerySchema,
  response: { 200: pageOf(tenantListItemSchema), ...problemResponses(400, 401) },
};

const countSchema = {
  tags: ['tenants'],
  summary: 'Count tenants with the same filters as the list',
  querystring: tenantFilterQuerySchema,
  response: { 200: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } }, ...problemResponses(400, 401) },
};

/** `GET /v1/tenants` (a page) and `GET /v1/tenants/count`, scoped to what the caller may see. */
export const listTenantsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: ListQuery }>('/', { config: { callerCheck: 'in-handler' }, schema: listSchema }, async (request) => {
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
  });

  app.get<{ Querystring: TenantListFilter }>('/count', { schema: countSchema }, async (request) => {
    const scope = request.user.superuser ? {} : { memberUserId: request.user.sub };
    return { count: await countTenants(app.orm, { ...request.query, ...scope }) };
  });
};
