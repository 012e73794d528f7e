import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasPermission, type Permission } from '@tenantry/auth';
import { tenantAccessOf, type TenantAccess } from '@tenantry/control-db';
import { ApiError } from './errors.ts';

export type TenantRole = 'admin' | 'developer' | 'readonly' | 'auditor';

export type AllowedRoles = readonly TenantRole[] | 'superuser-only';

export interface AccessOptions {
  /** false for routes SPEC §3 opens to members only (switch): a superuser who is not a member gets 403. */
  superuser?: boolean;
  /** The request changes the tenant or its members: refused (409) while the tenant is suspended or deactivated, except to a superuser. */
  write?: boolean;
}

/** Tenants whose members may read but not change anything; a superuser still may. */
const FROZEN_STATUSES = new Set(['suspended', 'deactivated']);

/**
 * Who may touch a tenant. Callers who may not even see it, and everyone for a tenant that does not
 * exist, get 404 (no existence leak); a passive or banned member counts as no member. Members without
 * the needed role get 403, and so does a token switched into another tenant (it acts on its `tid`
 * only, whoever holds it). Writes by members of a suspended or deactivated tenant are 409.
 */
export async function requireTenantAccess(
  app: FastifyInstance,
  request: FastifyRequest,
  tenantId: string,
  allowedRoles: AllowedRoles,
  options: AccessOptions = {},
): Promise<{ superuser: boolean; role: string | null }> {
  return checkTenantAccess(request, tenantId, await tenantAccessOf(app.orm, tenantId, request.user.sub), allowedRoles, options);
}

/** The rules of `requireTenantAccess` applied to what a route already read (whether the tenant exists, its status, the caller's role in it). */
export function checkTenantAccess(
  request: FastifyRequest,
  tenantId: string,
  { exists, role, status }: Pick<TenantAccess, 'exists' | 'role'> & { status?: string | null },
  allowedRoles: AllowedRoles,
  { superuser: superuserAllowed = true, write = false }: AccessOptions = {},
): { superuser: boolean; role: string | null } {
  if (!exists) throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist.`);
  const superuser = request.user.superuser && superuserAllowed;
  if (!superuser && !role) {
    if (request.user.superuser) throw new ApiError('TNT_ERR_FORBIDDEN', 'Only members may do this; add yourself as a member first.');
    throw new ApiError('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist.`);
  }
  const tid = request.user.tid;
  if (tid !== undefined && tid !== tenantId) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `This token was switched into tenant ${String(tid)} and acts on that tenant only; use a token of your own or switch again.`);
  }
  if (superuser) return { superuser: true, role };
  if (allowedRoles === 'superuser-only' || !allowedRoles.includes(role as TenantRole)) {
    throw new ApiError('TNT_ERR_FORBIDDEN', `Your role in this tenant (${role}) does not allow this.`);
  }
  if (write && status && FROZEN_STATUSES.has(status)) {
    throw new ApiError('TNT_ERR_INVALID_STATE', `The tenant is ${status}: its members cannot change it or its members; a superuser can.`);
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
