import type { FastifyPluginAsync } from 'fastify';
import { listTenantEventHistory } from '@tenantry/control-db';
import { schemaNameFor, quoteIdentifier } from '@tenantry/tenant-schema';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
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
        summary: 'Counts read from the control data and the tenant schema',
        params: tenantIdParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['member_count', 'active_member_count', 'document_count', 'storage_used_bytes', 'schema_version'],
            properties: {
              member_count: { type: 'integer' },
              active_member_count: { type: 'integer' },
              document_count: { type: 'integer' },
              storage_used_bytes: { type: 'integer' },
              schema_version: { type: ['string', 'null'] },
            },
          },
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      await requireTenantAccess(app, request, request.params.id, ALL_ROLES);
      const em = app.orm.em.fork();
      const [members] = await em.execute<{ total: string; active: string; exists: boolean }[]>(
        `select count(*)::text as total, count(*) filter (where status = 'active')::text as active,
                exists (select 1 from tenants where id = ?) as exists
           from memberships where tenant_id = ?`,
        [request.params.id, request.params.id],
      );
      if (!members.exists) throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${request.params.id} does not exist.`);
      const schema = schemaNameFor(request.params.id);
      const [catalog] = await em.execute<{ present: boolean; bytes: string }[]>(
        `select exists (select 1 from pg_namespace where nspname = ?) as present,
                coalesce((select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                           where n.nspname = ? and c.relkind in ('r', 'm')), 0)::text as bytes`,
        [schema, schema],
      );
      let documentCount = 0;
      let schemaVersion: string | null = null;
      if (catalog.present) {
        const [inside] = await em.execute<{ documents: string; version: string | null }[]>(
          `select (select count(*) from ${quoteIdentifier(schema)}.invoices)::text as documents,
                  (select name from ${quoteIdentifier(schema)}.mikro_orm_migrations order by id desc limit 1) as version`,
        );
        documentCount = Number(inside.documents);
        schemaVersion = inside.version;
      }
      return {
        member_count: Number(members.total),
        active_member_count: Number(members.active),
        document_count: documentCount,
        storage_used_bytes: Number(catalog.bytes),
        schema_version: schemaVersion,
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
