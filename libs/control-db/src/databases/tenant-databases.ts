import { MAIN_TENANT_DATABASE, TENANT_DATABASE_NAME_PATTERN } from '@tenantry/tenant-events';
import { quoteIdentifier } from '@tenantry/sql';
import { isActiveStatus } from '../rows/index.ts';
import { InvalidTenantDatabaseNameError, TenantDatabaseNameTakenError, UnknownTenantDatabaseError } from './errors.ts';

/** pg's `query(text, values)`: a Client, Pool or PoolClient (the directory has no ORM). */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export type TenantDatabaseStatus = 'open' | 'draining';

/** The control database itself: its url is DATABASE_URL, stored as null. */
export const MAIN_DATABASE = MAIN_TENANT_DATABASE;

/** A tenant database's name: the event contract's rule (the table's check constraint says the same). */
export const TENANT_DATABASE_NAME = new RegExp(TENANT_DATABASE_NAME_PATTERN);

export interface TenantDatabaseRecord {
  name: string;
  /** Holds the password when the operator gave one: never print, log or emit it unredacted. */
  url: string | null;
  status: TenantDatabaseStatus;
  /** Tenants placed there, purged ones not counted. */
  tenantCount: number;
  createdAt: string;
}

export interface TenantPlacement {
  database: string;
  schemaName: string;
  status: string;
  isActive: boolean;
}

const UNIQUE_VIOLATION = '23505';

export function assertTenantDatabaseName(name: string): void {
  if (!TENANT_DATABASE_NAME.test(name)) throw new InvalidTenantDatabaseNameError(name);
}

/** Every registered database, by name, with its count of non-purged tenants. */
export async function readTenantDatabases(db: Queryable, schema: string): Promise<TenantDatabaseRecord[]> {
  const s = quoteIdentifier(schema);
  const { rows } = await db.query<{ name: string; url: string | null; status: TenantDatabaseStatus; tenant_count: number; created_at: Date | string }>(
    `select d.name, d.url, d.status, d.created_at,
            (select count(*)::int from ${s}.tenants t where t.database = d.name and t.status <> 'purged') as tenant_count
       from ${s}.tenant_databases d
      order by d.name`,
  );
  return rows.map((row) => ({
    name: row.name,
    url: row.url,
    status: row.status,
    tenantCount: row.tenant_count,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/** Where a tenant's schema lives now; null for an unknown tenant. */
export async function readTenantPlacement(db: Queryable, schema: string, tenantId: string): Promise<TenantPlacement | null> {
  const { rows } = await db.query<{ database: string; schema_name: string; status: string }>(
    `select database, schema_name, status from ${quoteIdentifier(schema)}.tenants where id = $1`,
    [tenantId],
  );
  const row = rows[0];
  if (!row) return null;
  return { database: row.database, schemaName: row.schema_name, status: row.status, isActive: isActiveStatus(row.status) };
}

/** Adds a database to the registry, open. Checks nothing about the server: the caller does that first. */
export async function registerTenantDatabase(db: Queryable, schema: string, entry: { name: string; url: string }): Promise<void> {
  assertTenantDatabaseName(entry.name);
  try {
    await db.query(`insert into ${quoteIdentifier(schema)}.tenant_databases (name, url) values ($1, $2)`, [entry.name, entry.url]);
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new TenantDatabaseNameTakenError(entry.name);
    throw error;
  }
}

/** `draining`: no new tenant is placed there (tenants already there stay); `open`: placement may pick it again. */
export async function setTenantDatabaseStatus(db: Queryable, schema: string, name: string, status: TenantDatabaseStatus): Promise<void> {
  const { rowCount } = await db.query(`update ${quoteIdentifier(schema)}.tenant_databases set status = $2 where name = $1`, [name, status]);
  if (!rowCount) throw new UnknownTenantDatabaseError(name);
}
