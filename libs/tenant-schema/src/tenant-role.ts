import type { EntityManager } from '@mikro-orm/postgresql';
import { roleExists } from './catalog.ts';
import { qualifiedName, quoteIdentifier } from './quote-identifier.ts';

const DML = 'select, insert, update, delete';

/**
 * Creates the tenant's role if missing and (re)grants it exactly: USAGE on its own schema, DML on
 * the schema's tables and sequences, the same for tables later migrations create, and read-only
 * access to the migration bookkeeping. No CREATE anywhere, nothing outside the schema. An existing
 * role keeps its LOGIN/NOLOGIN state (a deactivated tenant stays locked out when re-provisioned).
 * Returns whether the role was created.
 */
export async function ensureTenantRole(
  tx: EntityManager,
  schemaName: string,
  roleName: string,
  { login }: { login: boolean },
): Promise<boolean> {
  const role = quoteIdentifier(roleName);
  const schema = quoteIdentifier(schemaName);
  const created = !(await roleExists(tx, roleName));
  if (created) {
    await tx.execute(`create role ${role} ${login ? 'login' : 'nologin'} noinherit`);
  }
  // The app connects as this role and should find its tables without qualifying them.
  await tx.execute(`alter role ${role} set search_path to ${schema}`);
  await tx.execute(`grant usage on schema ${schema} to ${role}`);
  await tx.execute(`grant ${DML} on all tables in schema ${schema} to ${role}`);
  await tx.execute(`grant usage, select on all sequences in schema ${schema} to ${role}`);
  // Default privileges apply to objects created later by the current (migrating) user.
  await tx.execute(`alter default privileges in schema ${schema} grant ${DML} on tables to ${role}`);
  await tx.execute(`alter default privileges in schema ${schema} grant usage, select on sequences to ${role}`);
  // The application may read which migrations ran but never rewrite that history.
  await tx.execute(`revoke insert, update, delete, truncate on ${qualifiedName(schemaName, 'mikro_orm_migrations')} from ${role}`);
  return created;
}
