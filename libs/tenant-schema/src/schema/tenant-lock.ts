import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Serializes every writer of one tenant schema (provisioning, issuer sync, drop) for the rest of
 * the current transaction. Keyed by the schema name, so two provisioners of the same tenant queue
 * instead of racing on CREATE SCHEMA; other tenants are not affected.
 */
export async function lockTenantSchema(tx: EntityManager, schemaName: string): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [tenantSchemaLockKey(schemaName)]);
}

/** The text hashed (`hashtextextended(key, 0)`) into the advisory lock every writer of a schema takes. */
export function tenantSchemaLockKey(schemaName: string): string {
  return `tenantry:tenant-schema:${schemaName}`;
}
