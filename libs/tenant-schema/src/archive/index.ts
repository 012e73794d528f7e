export { dumpTenantSchema, type TenantSchemaDump } from './dump-tenant-schema.ts';
export { restoreTenantSchema, describeTenantSchema, undoTenantSchemaRestore, type RestoreTenantSchemaOptions, type RestoredTenantSchema, type TenantSchemaContents } from './restore-tenant-schema.ts';
