import type { FastifyPluginAsync } from 'fastify';
import { ALL_ROLES, requireTenantAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { problemResponses } from '../../schemas/problem.ts';
import { tenantIdParamsSchema } from '../../schemas/tenant.ts';

const switchSchema = {
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
};

/** `POST /v1/tenants/{id}/switch`: a token scoped to this tenant, for its members. */
export const tenantSwitchRoute: FastifyPluginAsync<{ tokenTtlSeconds: number }> = async (app, { tokenTtlSeconds }) => {
  app.post<{ Params: { id: string } }>('/:id/switch', { schema: switchSchema }, async (request) => {
    const { role } = await requireTenantAccess(app, request, request.params.id, ALL_ROLES, { superuser: false });
    if (!app.canIssueTokens) throw new ApiError('TNT_ERR_UNAVAILABLE', 'This server only verifies tokens (no JWT_PRIVATE_KEY).');
    const { sub, email, superuser, permissions } = request.user;
    const token = await app.jwt.sign({ sub, email, superuser, permissions, tid: request.params.id });
    return { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds, tenant_id: request.params.id, role };
  });
};
