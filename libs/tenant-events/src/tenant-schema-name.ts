/**
 * The name of a tenant's PostgreSQL schema: `tenant_` and the tenant id's 32 hex digits in lower
 * case. Every event carries it (`schema_name`) and it never changes for a tenant, so the rule lives
 * once, here, in the contract; the data libs name schemas with it and the JSON Schemas check it.
 */
export const TENANT_SCHEMA_NAME_PATTERN = '^tenant_[0-9a-f]{32}$';

/** `tenant_<32 hex>` for a tenant id (a UUID; `@tenantry/tenant-schema`'s `schemaNameFor` also validates it). */
export function tenantSchemaName(tenantId: string): string {
  return `tenant_${tenantId.replaceAll('-', '').toLowerCase()}`;
}
