import type { FastifyPluginAsync } from 'fastify';
import { requestTenantMove, type TenantMoveMode, type TenantMoveRecord } from '@tenantry/control-db';
import { requireTenantAccess } from '../../access.ts';
import { acceptedActionSchema } from './accepted-action-schema.ts';

const moveBodySchema = {
  type: 'object',
  required: ['database'],
  additionalProperties: false,
  properties: {
    database: { type: 'string', minLength: 1, maxLength: 31, description: 'name of the tenant database to move to (see `tenantry databases list`)' },
    mode: {
      type: 'string',
      enum: ['logical', 'offline'],
      default: 'logical',
      description: '`logical`: online, with logical replication (the source needs wal_level=logical); `offline`: the tenant is frozen while its schema is copied with pg_dump/pg_restore',
    },
  },
} as const;

const moveSchema = {
  type: 'object',
  required: ['id', 'tenant_id', 'from', 'to', 'mode', 'state', 'requested_at'],
  properties: {
    id: { type: 'string' },
    tenant_id: { type: 'string', format: 'uuid' },
    from: { type: 'string' },
    to: { type: 'string' },
    mode: { type: 'string', enum: ['logical', 'offline'] },
    state: { type: 'string' },
    requested_at: { type: 'string', format: 'date-time' },
  },
} as const;

const toMoveAnswer = (move: TenantMoveRecord) => ({
  id: move.id,
  tenant_id: move.tenantId,
  from: move.from,
  to: move.to,
  mode: move.mode,
  state: move.state,
  requested_at: move.requestedAt,
});

/**
 * `POST /v1/tenants/{id}/move`: records the move and answers 202; the provisioner's move runner
 * does the work (never this request). Its progress shows in the tenant's `move` field.
 */
export const tenantMoveRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post<{ Params: { id: string }; Body: { database: string; mode?: TenantMoveMode } }>(
    '/:id/move',
    { schema: acceptedActionSchema("Move the tenant's schema to another tenant database, online; 202, the provisioner runs it", moveBodySchema, moveSchema) },
    async (request, reply) => {
      await requireTenantAccess(app, request, request.params.id, 'superuser-only');
      const move = await requestTenantMove(app.orm, request.params.id, { to: request.body.database, mode: request.body.mode ?? 'logical' });
      return reply.status(202).header('location', `/v1/tenants/${request.params.id}`).send(toMoveAnswer(move));
    },
  );
};
