export { createTenantApiClient } from './client.ts';
export type { TenantApiClient, TenantApiClientOptions } from './client.ts';
export type { components, operations, paths } from './generated/tenant-api.ts';
export type { Member, Problem, Tenant, TenantEvent, TenantWithMembers, User } from './schemas.ts';
