// One tenant schema's identity and catalog facts, shared by every concern: the schema and role
// name rule, identifier quoting, the per-schema lock, the ORM that opens a tenant database.
export { schemaNameFor, roleNameFor, tenantIdHex, movedSchemaNameFor, tenantGroupFor } from './tenant-names.ts';
export { quoteIdentifier, qualifiedName } from './quote-identifier.ts';
export { createTenantSchemaOrm, tenantSchemaOrmOptions } from './tenant-schema-orm.ts';
export type { TenantSchemaOrm, TenantSchemaOrmOptions } from './tenant-schema-orm.ts';
export { readSchemaVersion } from './read-schema-version.ts';
export { listTenantTables } from './list-tenant-tables.ts';
export { tenantSchemaLockKey } from './tenant-lock.ts';
export * from './quote-identifier.ts';
export * from './schema-catalog.ts';
export * from './sql-state.ts';
export * from './tenant-lock.ts';
export * from './tenant-names.ts';
export * from './tenant-schema-orm.ts';
