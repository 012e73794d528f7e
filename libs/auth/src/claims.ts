/** The JWT claims of SPEC §3. */
export interface TokenClaims {
  sub: string;
  email: string;
  superuser: boolean;
  permissions: string[];
  tid?: string;
  exp: number;
  iat?: number;
}

export const PERMISSIONS = ['CREATE_TENANT'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function hasPermission(claims: Pick<TokenClaims, 'superuser' | 'permissions'>, permission: Permission): boolean {
  return claims.superuser || claims.permissions.includes(permission);
}
