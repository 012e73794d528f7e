import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import type { ExportRecord } from '@tenantry/tenant-archive';
import { requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import tenantDatabases from '../../plugins/tenant-databases.ts';
import tenantExports from '../../plugins/tenant-exports.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';

const exportSchema = {
  type: 'object',
  required: ['id', 'tenant_id', 'state', 'requested_at', 'download'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    tenant_id: { type: 'string', format: 'uuid' },
    state: { type: 'string', enum: ['running', 'ready', 'failed'], description: '`ready`: `download` answers with the archive' },
    requested_at: { type: 'string', format: 'date-time' },
    download: { type: 'string', description: 'where the archive is downloaded from (GET, same credentials)' },
  },
} as const;

const exportParamsSchema = {
  type: 'object',
  required: ['id', 'export_id'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, export_id: { type: 'string', format: 'uuid' } },
} as const;

const downloadPath = (record: ExportRecord) => `/v1/tenants/${record.tenant_id}/exports/${record.id}`;
const toAnswer = (record: ExportRecord) => ({
  id: record.id,
  tenant_id: record.tenant_id,
  state: record.state,
  requested_at: record.requested_at,
  download: downloadPath(record),
});

/** Who may export a tenant and download its archives: a superuser or the tenant's admin. */
const EXPORTERS = ['admin'] as const;

/**
 * `POST /v1/tenants/{id}/export` starts an archive in the background of this tenant-api (202, with
 * where to download it); `GET /v1/tenants/{id}/exports/{export_id}` answers 202 while it runs, the
 * archive (`application/x-tar`) once ready, 409 if it failed.
 */
export const tenantExportRoutes: FastifyPluginAsync<{ exportDir: string }> = async (app, { exportDir }) => {
  await app.register(tenantDatabases);
  await app.register(tenantExports, { dir: exportDir });
  app.addHook('preHandler', app.authenticate);

  app.post<{ Params: { id: string } }>(
    '/:id/export',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Export the tenant into one archive (schema dump in one snapshot, control rows, manifest); 202, then download it',
        params: tenantIdParamsSchema,
        response: { 202: exportSchema, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await requireTenantAccess(app, request, request.params.id, EXPORTERS);
      const record = await app.tenantExports.start(request.params.id);
      return reply.status(202).header('location', downloadPath(record)).send(toAnswer(record));
    },
  );

  app.get<{ Params: { id: string; export_id: string } }>(
    '/:id/exports/:export_id',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Download a tenant archive: 200 with the tar file once ready, 202 while it is being made',
        params: exportParamsSchema,
        response: {
          200: { description: 'The archive (a tar file: manifest.json, schema.dump, control/*.json)', content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } } },
          202: exportSchema,
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { id, export_id: exportId } = request.params;
      await requireTenantAccess(app, request, id, EXPORTERS);
      const record = await app.tenantExports.read(id, exportId);
      if (!record) throw new ApiError('TNT_ERR_NOT_FOUND', `Tenant ${id} has no export ${exportId}.`);
      if (record.state === 'running') return reply.status(202).header('retry-after', '2').send(toAnswer(record));
      if (record.state === 'failed') throw new ApiError('TNT_ERR_INVALID_STATE', `Export ${exportId} failed: ${record.error}`);
      const archive = app.tenantExports.archivePath(id, exportId);
      // An operator may have removed a fetched archive from EXPORT_DIR.
      if (!(await stat(archive).catch(() => null))) throw new ApiError('TNT_ERR_NOT_FOUND', `The archive of export ${exportId} is no longer on this server.`);
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="tenant-${id}-${exportId}.tar"`)
        .header('content-length', record.bytes)
        .send(createReadStream(archive));
    },
  );
};
