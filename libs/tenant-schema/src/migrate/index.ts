// One schema brought to the newest tenant migration (the fleet engine in ../fleet runs it for many).
export { migrateTenantSchema } from './migrate-tenant-schema.ts';
export type { MigrateTenantSchemaOptions, MigrateTenantSchemaResult } from './migrate-tenant-schema.ts';
export * from './migrate-tenant-schema.ts';
export * from './migration-error.ts';
export * from './tenant-migrator.ts';
