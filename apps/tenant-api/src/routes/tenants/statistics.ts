import type { FastifyPluginAsync } from 'fastify';
import { MAIN_DATABASE, readTenantMemberCounts } from '@tenantry/control-db';
import { readTenantSchemaStatistics, readTenantUsage } from '@tenantry/tenant-schema';
import { isDatabaseUnreachable } from '@tenantry/worker-kit';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { tenantUsageSchema } from '../../schemas/usage.ts';

const statisticsSchema = {
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
};

/** `GET /v1/tenants/{id}/statistics`: member counts from the control data, the rest from the tenant's database. */
export const tenantStatisticsRoute: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/:id/statistics', { schema: statisticsSchema }, async (request) => {
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
  });
};
