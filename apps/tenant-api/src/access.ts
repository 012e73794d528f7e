import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasPermission, type Permission } from '@tenantry/auth';
import { memberRole } from '@tenantry/control-db';
import { ApiError } from './errors.ts';

export type TenantRole = 'admin' | 'developer' | 'readonly' | 'auditor';

/**
 * Who may touch a tenant. Callers who may not even see it get 404 (no existence leak); members
 * without the needed role get 403.
 */
export async function requireTenantAccess(
  app: FastifyInstance,
  request: FastifyRequest,
  tenantId: string,
  allowedRoles: readonly TenantRole[] | 'superuser-only',
): Promise<{ superuser: boolean; role: string | null }> {
  if (request.user.superuser) return { superuser: true, role: null };
  const role = await memberRole(app.orm, tenantId, request.user.sub);
  if (!role) throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist.`);
  if (allowedRoles === 'superuser-only' || !allowedRoles.includes(role as TenantRole)) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `Your role in this tenant (${role}) does not allow this.`);
  }
  return { superuser: false, role };
}

export function requirePermission(request: FastifyRequest, permission: Permission): void {
  if (!hasPermission(request.user, permission)) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `This needs the ${permission} permission or a superuser.`);
  }
}

export function requireSuperuser(request: FastifyRequest): void {
  if (!request.user.superuser) throw new ApiError('TNT_ERR_FORBIDDEN', 'Only a superuser may do this.');
}

export const ALL_ROLES: readonly TenantRole[] = ['admin', 'developer', 'readonly', 'auditor'];
