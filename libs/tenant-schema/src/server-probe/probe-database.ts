import pg from 'pg';
import { DatabaseUnreachableError, InvalidDatabaseUrlError, UnsupportedServerError } from './errors.ts';
import { unsupportedServerReason } from './server-version.ts';

/** What a tenant database's server says about itself. */
export interface DatabaseFacts {
  /** e.g. `16.4 (Debian 16.4-1.pgdg120+1)`. */
  serverVersion: string;
  serverVersionNum: number;
  /** Rows in pg_class: the catalog size that schema-per-tenant grows (tables, indexes, sequences, ...). */
  relations: number;
  /** pg_database_size of the database. */
  sizeBytes: number;
}

export interface ProbeOptions {
  /** Longest wait for the connection and for each query (default 5000 ms): a down server must not hang a listing. */
  timeoutMs?: number;
}

const FACTS = `select current_setting('server_version') as server_version,
       current_setting('server_version_num')::int as server_version_num,
       (select count(*)::int from pg_class) as relations,
       pg_database_size(current_database())::bigint::text as size_bytes`;

/** Checks that `url` is a PostgreSQL URL naming a database; says why not without repeating it. */
export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidDatabaseUrlError('it does not parse as a URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidDatabaseUrlError(`its scheme is ${parsed.protocol.replace(/:$/, '')}, not postgres or postgresql`);
  }
  if (!parsed.hostname) throw new InvalidDatabaseUrlError('it names no host');
  if (!decodeURIComponent(parsed.pathname.slice(1))) throw new InvalidDatabaseUrlError('it names no database (the path after the host)');
  return parsed;
}

/** Connects once and reads the server's version, catalog size and database size. */
export async function probeDatabase(url: string, { timeoutMs = 5000 }: ProbeOptions = {}): Promise<DatabaseFacts> {
  parseDatabaseUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'tenantry-probe' });
  client.on('error', () => undefined); // a dropped connection surfaces on the query
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachableError((error as Error).message || String(error), error);
  }
  try {
    const { rows } = await client.query<{ server_version: string; server_version_num: number; relations: number; size_bytes: string }>(FACTS);
    const row = rows[0];
    return { serverVersion: row.server_version, serverVersionNum: row.server_version_num, relations: row.relations, sizeBytes: Number(row.size_bytes) };
  } catch (error) {
    throw new DatabaseUnreachableError((error as Error).message || String(error), error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * What `databases add` requires of a new tenant database: a usable URL, a server that answers,
 * and PostgreSQL 15 or later. Creates nothing.
 */
export async function checkTenantDatabaseServer(url: string, options: ProbeOptions = {}): Promise<DatabaseFacts> {
  const facts = await probeDatabase(url, options);
  const reason = unsupportedServerReason(facts.serverVersionNum);
  if (reason) throw new UnsupportedServerError(reason);
  return facts;
}
