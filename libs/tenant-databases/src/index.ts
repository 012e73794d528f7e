export { openTenantDatabases, singleTenantDatabase, TENANT_DATABASES_DEFAULTS } from './tenant-databases.ts';
export type { TenantDatabases, OpenTenantDatabasesOptions } from './tenant-databases.ts';
export type { TenantDatabase } from './registry/index.ts';
