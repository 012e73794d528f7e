import { roleExists, schemaExists } from '../schema/index.ts';
import { quoteIdentifier } from '../schema/index.ts';
import { lockTenantSchema } from '../schema/index.ts';
import { roleNameFor, schemaNameFor } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

export interface DropTenantSchemaResult {
  schemaDropped: boolean;
  roleDropped: boolean;
}

/**
 * Irreversibly deletes a tenant's schema with all its data, and its role. For tests and operators
 * only: deactivating a tenant never calls this. Ends the role's sessions first.
 */
export async function dropTenantSchema(orm: TenantSchemaOrm, tenantId: string): Promise<DropTenantSchemaResult> {
  const schemaName = schemaNameFor(tenantId);
  const roleName = roleNameFor(tenantId);
  const em = orm.em.fork();
  await em.execute('select pg_terminate_backend(pid) from pg_stat_activity where usename = ? and pid <> pg_backend_pid()', [roleName]);
  return em.transactional(async (tx) => {
    await lockTenantSchema(tx, schemaName);
    const schemaDropped = await schemaExists(tx, schemaName);
    const roleDropped = await roleExists(tx, roleName);
    if (roleDropped) {
      // Privileges and default privileges in this database; the role owns no objects itself.
      await tx.execute(`drop owned by ${quoteIdentifier(roleName)}`);
    }
    if (schemaDropped) {
      await tx.execute(`drop schema ${quoteIdentifier(schemaName)} cascade`);
    }
    if (roleDropped) {
      await tx.execute(`drop role ${quoteIdentifier(roleName)}`);
    }
    return { schemaDropped, roleDropped };
  });
}
