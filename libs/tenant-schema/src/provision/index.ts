// Building a tenant's schema and role (from scratch or from a spare), seeding it, dropping it.
export { lockDownTenantDatabase } from './tenant-role.ts';
export type { TenantRoleLimits } from './tenant-role.ts';
export type { TenantSchemaInput, TenantEconomicActivityInput } from './tenant-input.ts';
export { provisionTenantSchema } from './provision-tenant-schema.ts';
export type { ProvisionTenantSchemaOptions, ProvisionTenantSchemaResult } from './provision-tenant-schema.ts';
export { setTenantRoleLogin } from './set-tenant-role-login.ts';
export type { SetTenantRoleLoginOptions } from './set-tenant-role-login.ts';
export { dropTenantSchema } from './drop-tenant-schema.ts';
export type { DropTenantSchemaResult } from './drop-tenant-schema.ts';
export { MAIN_LOCATION_NAME } from './seed-tenant-schema.ts';
export { startSparePool, topUpSpareSchemas, refreshSpareSchemas, listSpareSchemas, SPARE_SCHEMA_PREFIX } from './spare-schemas.ts';
export type { SparePool, TopUpSpareSchemasOptions } from './spare-schemas.ts';
export * from './drop-tenant-schema.ts';
export * from './seed-tenant-schema.ts';
export * from './tenant-input.ts';
export * from './tenant-role.ts';
export * from './validate-tenant-input.ts';
