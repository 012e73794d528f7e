import type { FastifyPluginAsync } from 'fastify';
import { listTenantEventHistory } from '@tenantry/control-db';
import { requireTenantAccess } from '../../access.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';
import { pageOf } from '../../schemas/page.ts';

const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    cursor: { type: 'string', maxLength: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  },
} as const;

const eventsSchema = {
  tags: ['tenants'],
  summary: "The tenant's event history from the event log, newest first (superuser, admin, auditor)",
  params: tenantIdParamsSchema,
  querystring: pageQuery,
  response: { 200: pageOf({ $ref: 'TenantEvent#' }), ...problemResponses(400, 401, 403, 404) },
};

/** `GET /v1/tenants/{id}/events`: one page of the tenant's event history. */
export const tenantEventsRoute: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; offset?: number } }>('/:id/events', { schema: eventsSchema }, async (request) => {
    await requireTenantAccess(app, request, request.params.id, ['admin', 'auditor']);
    const { limit, cursor, offset } = request.query;
    return listTenantEventHistory(app.orm, request.params.id, { limit, cursor, offset });
  });
};
