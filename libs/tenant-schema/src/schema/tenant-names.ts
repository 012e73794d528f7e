import { InvalidTenantIdError } from '../errors.ts';

// Any RFC 9562 version (1-8) with the RFC variant; tenant ids are UUIDv7 today. ASCII-only classes
// and full anchoring: no unicode digits, no trailing newline, nothing around it.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The id's 32 lower-case hex digits; throws `InvalidTenantIdError` for anything but a UUID. */
export function tenantIdHex(tenantId: unknown): string {
  if (typeof tenantId !== 'string' || tenantId.length !== 36 || !UUID.test(tenantId)) {
    throw new InvalidTenantIdError(tenantId);
  }
  return tenantId.replaceAll('-', '').toLowerCase();
}

/** `tenant_<32 hex>`: the tenant's PostgreSQL schema. Never changes for a tenant. */
export function schemaNameFor(tenantId: string): string {
  return `tenant_${tenantIdHex(tenantId)}`;
}

/** `tenant_<32 hex>_app`: the database role the tenant's application connects as. */
export function roleNameFor(tenantId: string): string {
  return `tenant_${tenantIdHex(tenantId)}_app`;
}

/**
 * `tenant_<32 hex>_moved`: the tenant's schema on its OLD database once a move has flipped it
 * elsewhere, kept until the move's cleanup drops it. It does not match the tenant-schema pattern
 * (`^tenant_[0-9a-f]{32}$`), so fleet commands and the services never take it for a live schema.
 */
export function movedSchemaNameFor(tenantId: string): string {
  return `${schemaNameFor(tenantId)}_moved`;
}

/**
 * `<database>_tenants`: the NOLOGIN group every tenant role of that database belongs to. It alone
 * holds CONNECT on the database, so a tenant role can connect there and to no other tenant database.
 */
export function tenantGroupFor(database: string): string {
  return `${database}_tenants`;
}
