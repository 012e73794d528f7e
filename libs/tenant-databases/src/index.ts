export { openTenantDatabases, singleTenantDatabase, TENANT_DATABASES_DEFAULTS } from './tenant-databases.ts';
export type { TenantDatabases, OpenTenantDatabasesOptions } from './tenant-databases.ts';
export type { TenantDatabase } from './registry/index.ts';
// The handle `use` gives a callback: re-exported so callers need not depend on tenant-schema for a type.
export type { TenantSchemaOrm } from '@tenantry/tenant-schema';
export { ormPoolStats } from './connections/index.ts';
export type { PoolStats } from './connections/index.ts';
