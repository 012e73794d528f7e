import type { FastifyPluginAsync } from 'fastify';
import { MAIN_DATABASE, listTenantEventHistory, readTenantMemberCounts } from '@tenantry/control-db';
import { readTenantSchemaStatistics, readTenantUsage } from '@tenantry/tenant-schema';
import { isDatabaseUnreachable } from '@tenantry/worker-kit';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { pageOf } from '../../schemas/page.ts';
import { tenantUsageSchema } from '../../schemas/usage.ts';

const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    cursor: { type: 'string', maxLength: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  },
} as const;

/** switch, statistics and the event history of one tenant. */
export const tenantInsightRoutes: FastifyPluginAsync<{ tokenTtlSeconds: number }> = async (app, { tokenTtlSeconds }) => {
  app.addHook('preHandler', app.authenticate);

  app.post<{ Params: { id: string } }>(
    '/:id/switch',
    {
      schema: {
        tags: ['tenants'],
        summary: 'A token whose `tid` is this tenant (members only; a superuser who is not a member gets 403)',
        params: tenantIdParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in', 'tenant_id', 'role'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string' },
              expires_in: { type: 'integer' },
              tenant_id: { type: 'string' },
              role: { type: ['string', 'null'] },
            },
          },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const { role } = await requireTenantAccess(app, request, request.params.id, ALL_ROLES, { superuser: false });
      if (!app.canIssueTokens) throw new ApiError('TNT_ERR_UNAVAILABLE', 'This server only verifies tokens (no JWT_PRIVATE_KEY).');
      const { sub, email, superuser, permissions } = request.user;
      const token = await app.jwt.sign({ sub, email, superuser, permissions, tid: request.params.id });
      return { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds, tenant_id: request.params.id, role };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/:id/statistics',
    {
      schema: {
        tags: ['tenants'],
        summary:
          "Counts read from the control data and the tenant schema, and the tenant's database work (`usage`: pg_stat_statements by its role, on the tenant's database)",
        params: tenantIdParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['member_count', 'active_member_count', 'document_count', 'storage_used_bytes', 'schema_version', 'usage'],
            properties: {
              member_count: { type: 'integer' },
              active_member_count: { type: 'integer' },
              document_count: { type: 'integer' },
              storage_used_bytes: { type: 'integer' },
              schema_version: { type: ['string', 'null'] },
              usage: tenantUsageSchema,
            },
          },
          ...problemResponses(400, 401, 404, 503),
        },
      },
    },
    async (request) => {
      await requireTenantAccess(app, request, request.params.id, ALL_ROLES);
      const members = await readTenantMemberCounts(app.orm, request.params.id);
      if (!members) throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${request.params.id} does not exist.`);
      // Read where the tenant's schema lives now (after a move: the new database).
      const database = (await app.tenantDatabases.placementOf(request.params.id)) ?? MAIN_DATABASE;
      const read = async (orm: Parameters<typeof readTenantUsage>[0]) => ({
        ...(await readTenantSchemaStatistics(orm, request.params.id)),
        usage: await readTenantUsage(orm, request.params.id),
      });
      const schema = await app.tenantDatabases.use(database, read).catch((error: unknown) => {
        if (!isDatabaseUnreachable(error)) throw error;
        throw new ApiError('TNT_ERR_UNAVAILABLE', `The tenant database "${database}" cannot be reached; try again later.`);
      });
      return {
        member_count: members.total,
        active_member_count: members.active,
        document_count: schema.documentCount,
        storage_used_bytes: schema.storageUsedBytes,
        schema_version: schema.schemaVersion,
        usage: {
          available: schema.usage.available,
          reason: schema.usage.reason,
          calls: schema.usage.statements?.calls ?? null,
          total_exec_time_ms: schema.usage.statements?.totalExecTimeMs ?? null,
          rows: schema.usage.statements?.rows ?? null,
          table_bytes: schema.usage.tableBytes,
          index_bytes: schema.usage.indexBytes,
        },
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; offset?: number } }>(
    '/:id/events',
    {
      schema: {
        tags: ['tenants'],
        summary: "The tenant's event history from the event log, newest first (superuser, admin, auditor)",
        params: tenantIdParamsSchema,
        querystring: pageQuery,
        response: { 200: pageOf({ $ref: 'TenantEvent#' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await requireTenantAccess(app, request, request.params.id, ['admin', 'auditor']);
      const { limit, cursor, offset } = request.query;
      return listTenantEventHistory(app.orm, request.params.id, { limit, cursor, offset });
    },
  );
};
