import type { FastifyPluginAsync } from 'fastify';
import { requestTenantPurge, type TenantPurgeRecord } from '@tenantry/control-db';
import { requireTenantAccess } from '../../access.ts';
import tenantDatabases from '../../plugins/tenant-databases.ts';
import tenantPurges from '../../plugins/tenant-purges.ts';
import { acceptedActionSchema } from './accepted-action-schema.ts';

const purgeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    force: {
      type: 'boolean',
      default: false,
      description: 'purge now, without waiting PURGE_AFTER_DAYS since the deactivation (logged)',
    },
  },
} as const;

const purgeSchema = {
  type: 'object',
  required: ['tenant_id', 'state', 'forced', 'database', 'requested_at', 'finished_at'],
  properties: {
    tenant_id: { type: 'string', format: 'uuid' },
    state: { type: 'string', enum: ['requested', 'schema-dropped', 'done'], description: 'the last step done; `done`: only the tombstone is left' },
    forced: { type: 'boolean' },
    database: { type: 'string', description: 'the tenant database its schema and role are dropped from' },
    requested_at: { type: 'string', format: 'date-time' },
    finished_at: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const toPurgeAnswer = (purge: TenantPurgeRecord) => ({
  tenant_id: purge.tenantId,
  state: purge.state,
  forced: purge.forced,
  database: purge.database,
  requested_at: purge.requestedAt,
  finished_at: purge.finishedAt,
});

/**
 * `POST /v1/tenants/{id}/purge`: records the purge of a deactivated tenant and answers 202; this
 * process's purge runner (`app.tenantPurges`) does the work right after. The tenant's `status`
 * becomes `purged` when it is done.
 */
export const tenantPurgeRoutes: FastifyPluginAsync<{ purgeAfterDays: number }> = async (app, { purgeAfterDays }) => {
  await app.register(tenantDatabases);
  await app.register(tenantPurges);
  app.addHook('preHandler', app.authenticate);

  app.post<{ Params: { id: string }; Body: { force?: boolean } | undefined }>(
    '/:id/purge',
    { schema: acceptedActionSchema('Purge (hard delete) a deactivated tenant: schema, role, members and personal data; 202, a tombstone stays', purgeBodySchema, purgeSchema) },
    async (request, reply) => {
      const tenantId = request.params.id;
      await requireTenantAccess(app, request, tenantId, 'superuser-only');
      const force = request.body?.force ?? false;
      const purge = await requestTenantPurge(app.orm, tenantId, { force, purgeAfterDays, requestedBy: request.user.sub });
      if (force) request.log.warn({ tenant_id: tenantId, user_id: request.user.sub, purge_after_days: purgeAfterDays }, 'tenant purge forced: PURGE_AFTER_DAYS not waited for');
      if (purge.state !== 'done') app.tenantPurges.kick(tenantId);
      return reply.status(202).header('location', `/v1/tenants/${tenantId}`).send(toPurgeAnswer(purge));
    },
  );
};
