import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  ConflictError,
  createTenant,
  findUserByEmail,
  NoOpenTenantDatabaseError,
  TenantDatabaseDrainingError,
  UnknownTenantDatabaseError,
  type IdempotentCommand,
  type NewTenantAdmin,
  type TenantFields,
} from '@tenantry/control-db';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import { hashPassword } from '@tenantry/auth';
import type { TraceContextFields } from '@tenantry/telemetry';
import { requirePermission } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { normalizeNewTenant, type TenantBody } from '../../domain/tenant-input.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { createTenantBodySchema } from '../../schemas/tenant.ts';
import { traceContextOf } from '../../trace-context.ts';
import { etag } from './tenant-etag.ts';
import { checkGroup, requireSuperuserForBilling } from './tenant-write-checks.ts';

type CreateBody = TenantBody & {
  name: string;
  admin?: { email: string; first_name?: string; last_name?: string; password?: string };
  database?: string;
};
type AdminChoice = { adminUserId: string } | { newAdmin: NewTenantAdmin };

const createSchema = {
  tags: ['tenants'],
  summary: 'Create a tenant (status pending_setup); provisioning follows asynchronously; honours Idempotency-Key',
  headers: { type: 'object', properties: { 'idempotency-key': { type: 'string' } } },
  body: createTenantBodySchema,
  response: { 201: { $ref: 'Tenant#' }, ...problemResponses(400, 401, 403, 409, 413, 422, 429, 503) },
} as const;

/** `POST /v1/tenants`: the tenant row, its first admin and its TenantCreated event in one transaction. */
export const createTenantRoute: FastifyPluginAsync = async (app) => {
  app.post<{ Body: CreateBody }>('/', { preHandler: app.idempotent, schema: createSchema }, async (request, reply) => {
    requirePermission(request, 'CREATE_TENANT');
    requireSuperuserForBilling(request, request.body);
    const { admin, database, ...body } = request.body;
    if (database !== undefined && !request.user.superuser) {
      throw new ApiError('TNT_ERR_FORBIDDEN', 'Only a superuser may choose the tenant database.');
    }
    const { fields, slugDerived } = normalizeNewTenant(body);
    await checkGroup(app, fields.group_id);
    const adminChoice = await adminFor(app, request, admin);
    return reply.sendIdempotent<TenantSnapshot>(
      (idempotency) => createWithSlugRetry(app, { fields, database }, slugDerived, adminChoice, traceContextOf(request), idempotency).catch(placementProblem),
      (tenant) => ({ statusCode: 201, headers: { location: `/v1/tenants/${tenant.id}`, etag: etag(tenant.version) }, body: tenant }),
    );
  });
};

/** Who becomes the first admin: an existing user by id, or a new one created with the tenant (same transaction). */
async function adminFor(app: FastifyInstance, request: FastifyRequest, admin: CreateBody['admin']): Promise<AdminChoice> {
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

/** A derived slug that collides gets a short suffix; a slug the caller chose is a 409. */
async function createWithSlugRetry(
  app: FastifyInstance,
  { fields, database }: { fields: TenantFields; database?: string },
  slugDerived: boolean,
  admin: AdminChoice,
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
