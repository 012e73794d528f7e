export { readTenantSchemaStatistics } from './read-schema-statistics.ts';
export type { TenantSchemaStatistics } from './read-schema-statistics.ts';
