import type { EntityManager } from '@mikro-orm/postgresql';
import { roleExists } from './catalog.ts';
import { qualifiedName, quoteIdentifier } from './quote-identifier.ts';
import { trackingTableSql } from './tenant-migrator.ts';

const DML = 'select, insert, update, delete';

// What the tenant's role may do (the same whichever way the schema is set up): USAGE on its own
// schema, DML on the schema's tables, USAGE/SELECT on its sequences, the same on what later
// migrations create (default privileges of the migrating user), and only SELECT on the migration
// bookkeeping. No CREATE anywhere, nothing outside the schema. `search_path` = its schema, so the
// app finds its tables without qualifying them. Statements hold no values, only the two
// identifiers, each validated and double-quoted by quoteIdentifier.

function createRoleSql(role: string, login: boolean): string {
  return `create role ${role} ${login ? 'login' : 'nologin'} noinherit`;
}

function roleSettingsSql(role: string, schema: string): string[] {
  return [
    `alter role ${role} set search_path to ${schema}`,
    `grant usage on schema ${schema} to ${role}`,
    // Default privileges apply to objects created later by the current (migrating) user.
    `alter default privileges in schema ${schema} grant ${DML} on tables to ${role}`,
    `alter default privileges in schema ${schema} grant usage, select on sequences to ${role}`,
  ];
}

function readOnlyHistorySql(schemaName: string, role: string): string {
  // The application may read which migrations ran but never rewrite that history.
  return `revoke insert, update, delete, truncate on ${qualifiedName(schemaName, 'mikro_orm_migrations')} from ${role}`;
}

/**
 * The statements that create a NEW tenant schema with its role, before any migration runs: schema,
 * role (unless `roleExists`), usage and default privileges, then the migration tracking table
 * (read-only for the role). Every table and sequence the migrations then create gets the role's
 * rights as it is created, so nothing has to be granted afterwards: `GRANT … ON ALL TABLES IN
 * SCHEMA` reads all of pg_class, which costs more with every tenant in the database.
 */
export function newTenantSchemaSql(schemaName: string, roleName: string, { roleExists, login }: { roleExists: boolean; login: boolean }): string {
  const role = quoteIdentifier(roleName);
  const schema = quoteIdentifier(schemaName);
  return [
    `create schema ${schema}`,
    ...(roleExists ? [] : [createRoleSql(role, login)]),
    ...roleSettingsSql(role, schema),
    trackingTableSql(schemaName),
    readOnlyHistorySql(schemaName, role),
  ].join(';\n');
}

/**
 * Only the role, for a server that gets the schema some other way (a restored dump carries the
 * schema's grants): the role as provisioning creates it, with its `search_path`.
 */
export function newTenantRoleSql(roleName: string, schemaName: string, { login }: { login: boolean }): string {
  const role = quoteIdentifier(roleName);
  return [createRoleSql(role, login), `alter role ${role} set search_path to ${quoteIdentifier(schemaName)}`].join(';\n');
}

/**
 * Creates the tenant's role if missing and (re)grants it exactly on an EXISTING schema (see the
 * rights above). An existing role keeps its LOGIN/NOLOGIN state (a deactivated tenant stays
 * locked out when re-provisioned). Returns whether the role was created. `exists`: the caller
 * already looked the role up in this transaction (under the tenant's lock); otherwise it is looked
 * up here. One multi-statement query, one round trip.
 */
export async function ensureTenantRole(
  tx: EntityManager,
  schemaName: string,
  roleName: string,
  { login, exists }: { login: boolean; exists?: boolean },
): Promise<boolean> {
  const role = quoteIdentifier(roleName);
  const schema = quoteIdentifier(schemaName);
  const created = !(exists ?? (await roleExists(tx, roleName)));
  const statements = [
    ...(created ? [createRoleSql(role, login)] : []),
    ...roleSettingsSql(role, schema),
    `grant ${DML} on all tables in schema ${schema} to ${role}`,
    `grant usage, select on all sequences in schema ${schema} to ${role}`,
    readOnlyHistorySql(schemaName, role),
  ];
  await tx.execute(statements.join(';\n'));
  return created;
}
