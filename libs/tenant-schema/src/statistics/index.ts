export { readTenantSchemaStatistics } from './read-schema-statistics.ts';
export type { TenantSchemaStatistics } from './read-schema-statistics.ts';
export { readTenantUsage, readSchemaBytes } from './read-tenant-usage.ts';
export type { TenantUsage, SchemaBytes } from './read-tenant-usage.ts';
export { readUsageByTenant } from './read-usage-by-tenant.ts';
export type { UsageByTenant, UsageOrder, TenantStatements } from './read-usage-by-tenant.ts';
export { NOT_LOADED_REASON } from './statement-stats.ts';
export type { StatementTotals, StatementStatsAvailability } from './statement-stats.ts';
