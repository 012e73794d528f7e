export { openTenantDatabases, singleTenantDatabase, TENANT_DATABASES_DEFAULTS } from './tenant-databases.ts';
export type { TenantDatabases, OpenTenantDatabasesOptions } from './tenant-databases.ts';
export type { TenantDatabase } from './registry/index.ts';
export { ormPoolStats } from './connections/index.ts';
export type { PoolStats } from './connections/index.ts';
