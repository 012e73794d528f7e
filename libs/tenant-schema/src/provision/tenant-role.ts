import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_TENANT_ROLE_LIMITS, type TenantRoleLimits } from '@tenantry/config';
import { roleExists } from '../schema/index.ts';
import { qualifiedName, quoteIdentifier } from '../schema/index.ts';
import { tenantGroupFor } from '../schema/index.ts';
import { trackingTableSql } from '../migrate/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

export type { TenantRoleLimits };

const DML = 'select, insert, update, delete';

// What the tenant's role may do (the same whichever way the schema is set up): USAGE on its own
// schema, DML on the schema's tables, USAGE/SELECT on its sequences, the same on what later
// migrations create (default privileges of the migrating user), and only SELECT on the migration
// bookkeeping. No CREATE anywhere, nothing outside the schema. `search_path` = its schema, so the
// app finds its tables without qualifying them. Statements hold no values, only identifiers, each
// validated and double-quoted by quoteIdentifier, and whole numbers checked here.
//
// What it may hold of the server: TENANT_ROLE_CONNECTION_LIMIT sessions, statement_timeout and
// idle_in_transaction_session_timeout as configured, CONNECT only to its own database (through the
// database's tenant group, see lockDownTenantDatabase) and TEMP nowhere.

/** Where a tenant role stands in its database: its limits and the group that lets it connect there. */
export interface TenantRolePolicy {
  /** Omitted: the role keeps the limits it has (a move reaching a role that exists already). */
  limits?: TenantRoleLimits;
  /** `<database>_tenants` (tenantGroupFor), made by lockDownTenantDatabase. */
  group: string;
}

function wholeNumber(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number >= 0, got ${value}`);
  return value;
}

function createRoleSql(role: string, login: boolean): string {
  return `create role ${role} ${login ? 'login' : 'nologin'}`;
}

/**
 * The role's limits and its one way in (membership of the database's group, INHERIT so that the
 * group's CONNECT counts). Re-asserted on every path that makes or renames a tenant role.
 */
export function rolePolicySql(role: string, { limits, group }: TenantRolePolicy): string[] {
  return [`alter role ${role} inherit`, ...(limits ? roleLimitsSql(role, limits) : []), `grant ${quoteIdentifier(group)} to ${role}`];
}

function roleLimitsSql(role: string, limits: TenantRoleLimits): string[] {
  return [
    `alter role ${role} connection limit ${wholeNumber(limits.connectionLimit, 'connection limit')}`,
    `alter role ${role} set statement_timeout = ${wholeNumber(limits.statementTimeoutMs, 'statement_timeout')}`,
    `alter role ${role} set idle_in_transaction_session_timeout = ${wholeNumber(limits.idleInTransactionTimeoutMs, 'idle_in_transaction_session_timeout')}`,
  ];
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
 * role (unless `roleExists`) with its policy, usage and default privileges, then the migration
 * tracking table (read-only for the role). Every table and sequence the migrations then create gets
 * the role's rights as it is created, so nothing has to be granted afterwards: `GRANT … ON ALL
 * TABLES IN SCHEMA` reads all of pg_class, which costs more with every tenant in the database.
 */
export function newTenantSchemaSql(
  schemaName: string,
  roleName: string,
  { roleExists, login, policy }: { roleExists: boolean; login: boolean; policy: TenantRolePolicy },
): string {
  const role = quoteIdentifier(roleName);
  const schema = quoteIdentifier(schemaName);
  return [
    `create schema ${schema}`,
    ...(roleExists ? [] : [createRoleSql(role, login)]),
    ...rolePolicySql(role, policy),
    ...roleSettingsSql(role, schema),
    trackingTableSql(schemaName),
    readOnlyHistorySql(schemaName, role),
  ].join(';\n');
}

/**
 * Only the role, for a server that gets the schema some other way (a restored dump carries the
 * schema's grants): the role as provisioning creates it, with the default limits and its
 * `search_path`; the move admits it to the target database's group (rolePolicySql).
 */
export function newTenantRoleSql(roleName: string, schemaName: string, { login }: { login: boolean }): string {
  const role = quoteIdentifier(roleName);
  return [
    createRoleSql(role, login),
    ...roleLimitsSql(role, DEFAULT_TENANT_ROLE_LIMITS),
    `alter role ${role} set search_path to ${quoteIdentifier(schemaName)}`,
  ].join(';\n');
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
  { login, exists, policy }: { login: boolean; exists?: boolean; policy: TenantRolePolicy },
): Promise<boolean> {
  const role = quoteIdentifier(roleName);
  const schema = quoteIdentifier(schemaName);
  const created = !(exists ?? (await roleExists(tx, roleName)));
  const statements = [
    ...(created ? [createRoleSql(role, login)] : []),
    ...rolePolicySql(role, policy),
    ...roleSettingsSql(role, schema),
    `grant ${DML} on all tables in schema ${schema} to ${role}`,
    `grant usage, select on all sequences in schema ${schema} to ${role}`,
    readOnlyHistorySql(schemaName, role),
  ];
  await tx.execute(statements.join(';\n'));
  return created;
}

// Tenant and spare schemas of this database, whose roles are `<schema>_app`.
const TENANT_SCHEMA_PATTERN = '^tenant_(spare_)?[0-9a-f]{32}$';

const lockedDown = new WeakMap<TenantSchemaOrm, Promise<string>>();

/**
 * Once per ORM (process and database): makes the database a tenant database. PUBLIC loses CONNECT
 * and TEMP on it (the defaults every role, tenant roles included, would otherwise have); the
 * database's tenant group gets CONNECT; the role running this (the services' role) is granted
 * CONNECT and TEMP first, so it keeps them whether or not it owns the database; tenant roles
 * that exist already join the group with their limits. Idempotent, under an advisory lock, in a
 * transaction of its own. Returns the group's name.
 */
export function lockDownTenantDatabase(orm: TenantSchemaOrm, limits: TenantRoleLimits = DEFAULT_TENANT_ROLE_LIMITS): Promise<string> {
  let done = lockedDown.get(orm);
  if (!done) {
    done = lockDown(orm, limits);
    lockedDown.set(orm, done);
    done.catch(() => lockedDown.delete(orm));
  }
  return done;
}

async function lockDown(orm: TenantSchemaOrm, limits: TenantRoleLimits): Promise<string> {
  return orm.em.fork().transactional(async (tx) => {
    const [{ database }] = await tx.execute<{ database: string }[]>('select current_database() as database');
    const group = tenantGroupFor(database);
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`tenantry:tenant-database:${database}`]);
    // A new statement after the lock: it sees what another process did while this one waited.
    const [state] = await tx.execute<{ group_exists: boolean; public_open: boolean; strays: string[] }[]>(
      `select exists (select 1 from pg_roles where rolname = ?) as group_exists,
              has_database_privilege('public', current_database(), 'CONNECT')
                or has_database_privilege('public', current_database(), 'TEMPORARY') as public_open,
              coalesce((select array_agg(r.rolname::text order by r.rolname) from pg_namespace n join pg_roles r on r.rolname = n.nspname || '_app'
                         where n.nspname ~ ? and not exists (select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid
                                                              where g.rolname = ? and m.member = r.oid)), '{}') as strays`,
      [group, TENANT_SCHEMA_PATTERN, group],
    );
    if (state.group_exists && !state.public_open && state.strays.length === 0) return group;
    const db = quoteIdentifier(database);
    const policy = { limits, group };
    await tx.execute(
      [
        ...(state.group_exists ? [] : [`create role ${quoteIdentifier(group)} nologin`]),
        `grant connect on database ${db} to ${quoteIdentifier(group)}`,
        `grant connect, temporary on database ${db} to current_user`,
        `revoke connect, temporary on database ${db} from public`,
        ...state.strays.flatMap((stray) => rolePolicySql(quoteIdentifier(stray), policy)),
      ].join(';\n'),
    );
    return group;
  });
}
