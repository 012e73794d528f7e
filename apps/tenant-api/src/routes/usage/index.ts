import type { FastifyPluginAsync } from 'fastify';
import type { UsageOrder } from '@tenantry/tenant-schema';
import { requireSuperuser } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { USAGE_ORDERS, usageReportSchema } from '../../schemas/usage.ts';
import { readTopTenants } from '../../usage/index.ts';

/** GET /v1/usage: the tenants doing the most database work (superusers). */
export const usageRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);
  app.addHook('preHandler', async (request) => requireSuperuser(request));

  app.get<{ Querystring: { order: UsageOrder; limit: number } }>(
    '/',
    {
      schema: {
        tags: ['tenants'],
        summary: "Top tenants by database work: statements run as each tenant's role (pg_stat_statements on each tenant database), with their schema sizes (superuser)",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            order: { type: 'string', enum: USAGE_ORDERS, default: 'exec_time' },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
          },
        },
        response: { 200: usageReportSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { order, limit } = request.query;
      const top = await readTopTenants(app.orm, app.tenantDatabases, { order, limit });
      return {
        order,
        limit,
        databases: top.databases,
        data: top.tenants.map((t) => ({
          tenant_id: t.tenantId,
          name: t.name,
          slug: t.slug,
          database: t.database,
          calls: t.calls,
          total_exec_time_ms: t.totalExecTimeMs,
          rows: t.rows,
          table_bytes: t.tableBytes,
          index_bytes: t.indexBytes,
        })),
      };
    },
  );
};
