import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasPermission, type Permission } from '@tenantry/auth';
import { tenantAccessOf } from '@tenantry/control-db';
import { ApiError } from './errors.ts';

export type TenantRole = 'admin' | 'developer' | 'readonly' | 'auditor';

export type AllowedRoles = readonly TenantRole[] | 'superuser-only';

/**
 * Who may touch a tenant. Callers who may not even see it, and everyone for a tenant that does not
 * exist, get 404 (no existence leak); members without the needed role get 403. `superuser: false`
 * is for routes SPEC §3 opens to members only (switch): a superuser who is not a member gets 403.
 */
export async function requireTenantAccess(
  app: FastifyInstance,
  request: FastifyRequest,
  tenantId: string,
  allowedRoles: AllowedRoles,
  options: { superuser?: boolean } = {},
): Promise<{ superuser: boolean; role: string | null }> {
  return checkTenantAccess(request, tenantId, await tenantAccessOf(app.orm, tenantId, request.user.sub), allowedRoles, options);
}

/** The rules of `requireTenantAccess` applied to what a route already read (whether the tenant exists, the caller's role in it). */
export function checkTenantAccess(
  request: FastifyRequest,
  tenantId: string,
  { exists, role }: { exists: boolean; role: string | null },
  allowedRoles: AllowedRoles,
  { superuser: superuserAllowed = true }: { superuser?: boolean } = {},
): { superuser: boolean; role: string | null } {
  if (!exists) throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist.`);
  if (request.user.superuser && superuserAllowed) return { superuser: true, role };
  if (!role) {
    if (request.user.superuser) throw new ApiError('TNT_ERR_FORBIDDEN', 'Only members may do this; add yourself as a member first.');
    throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist.`);
  }
  if (allowedRoles === 'superuser-only' || !allowedRoles.includes(role as TenantRole)) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `Your role in this tenant (${role}) does not allow this.`);
  }
  return { superuser: request.user.superuser, role };
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
