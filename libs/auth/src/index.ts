export { hashPassword, verifyPassword } from './passwords.ts';
export { hasPermission, PERMISSIONS, type Permission, type TokenClaims } from './claims.ts';
