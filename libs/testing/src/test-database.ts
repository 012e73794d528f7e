import pg from 'pg';
import { quoteIdentifier } from '@tenantry/sql';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /**
   * Drops the database and the tenant roles its schemas granted to (roles are cluster-wide). Never
   * rejects and never takes longer than `timeoutMs` (default 40 s): cleanup must not fail a run
   * whose tests passed. Past the bound, or on an error, it warns and leaves the rest to finish in
   * the background (a database left behind is dropped by the sweep of a later run, see
   * `sweepStaleDatabases`).
   */
  drop(options?: { timeoutMs?: number }): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A fresh, empty database for one test suite, so suites never see each other's data. `adminUrl`
 * picks the server (default TEST_DATABASE_ADMIN_URL or the local 5432 one).
 */
export async function createTestDatabase(prefix = 'tenantry_test', adminUrl = ADMIN_URL): Promise<TestDatabase> {
  await sweepStaleDatabases(adminUrl);
  const name = uniqueName(prefix);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${quoteIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: ({ timeoutMs = 40_000 } = {}) => bounded(`dropping test database ${name}`, timeoutMs, dropDatabase(adminUrl, name, url.toString())),
  };
}

/** No suite runs this long: a `tenantry_*` test database older than this is a dead run's leftover. */
const STALE_AFTER_MS = 12 * 60 * 60 * 1000;
/** uniqueName()'s shape: prefix, creation time in base 36, random suffix. */
const TEST_DATABASE_NAME = /^tenantry_.*_([0-9a-z]{8})_[0-9a-z]{1,6}$/;
/** Older "times" are words in someone's own database name, not uniqueName()'s. */
const FIRST_TEST_DATABASE = Date.UTC(2025, 0, 1);
const swept = new Set<string>();

/**
 * Drops the test databases earlier runs left behind (a drop that outlasted its bound, a killed
 * run), once per server and module instance. Only names older than STALE_AFTER_MS by the time in
 * them, so the suites of runs still going are never touched. Bounded and never rejects.
 */
async function sweepStaleDatabases(adminUrl: string): Promise<void> {
  if (swept.has(adminUrl)) return;
  swept.add(adminUrl);
  const sweep = async () => {
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    admin.on('error', () => undefined);
    await admin.connect();
    let names: string[];
    try {
      const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'tenantry\\_%'`);
      names = rows.map((row) => row.datname).filter((name) => isStale(name, Date.now()));
    } finally {
      await admin.end().catch(() => undefined);
    }
    for (const name of names) {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      await bounded(`dropping stale test database ${name}`, 40_000, dropDatabase(adminUrl, name, url.toString()));
    }
  };
  await bounded('sweeping stale test databases', 120_000, sweep());
}

export function isStale(name: string, now: number): boolean {
  const match = TEST_DATABASE_NAME.exec(name);
  if (!match) return false;
  const created = parseInt(match[1], 36);
  return created >= FIRST_TEST_DATABASE && now - created > STALE_AFTER_MS;
}

/**
 * DROP DATABASE ... WITH (FORCE), then the tenant roles in one statement per 500. The roles are
 * read from the tenant schemas' ACLs (one row per grant): cheap with thousands of schemas, where
 * testing every role against every schema was not. One DROP ROLE statement is one commit (one
 * flush) instead of one per tenant.
 */
async function dropDatabase(adminUrl: string, name: string, url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  db.on('error', () => undefined);
  let roles: string[] = [];
  // Without the roles (the database is gone already, say), the database is still dropped.
  try {
    await db.connect();
    const { rows } = await db.query<{ rolname: string }>(
      `select distinct r.rolname
         from pg_namespace n cross join lateral aclexplode(n.nspacl) a join pg_roles r on r.oid = a.grantee
        where n.nspname like 'tenant\\_%' and r.rolname like 'tenant\\_%'`,
    );
    roles = rows.map((row) => row.rolname);
  } catch {
    roles = [];
  } finally {
    await db.end().catch(() => undefined);
  }
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
    for (let start = 0; start < roles.length; start += 500) {
      const names = roles.slice(start, start + 500).map(quoteIdentifier);
      // A role another database still uses cannot go; that is not this cleanup's business.
      await admin.query(`drop role if exists ${names.join(', ')}`).catch(() => undefined);
    }
    // The database's tenant group (tenant-schema's tenantGroupFor), made by the first provisioning in it.
    await admin.query(`drop role if exists ${quoteIdentifier(`${name}_tenants`)}`).catch(() => undefined);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Waits for `work` at most `timeoutMs`; never rejects. A failure or the bound passing is a warning. */
export async function bounded(what: string, timeoutMs: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), expired]);
    if (outcome === 'expired') console.warn(`${what}: still running after ${timeoutMs / 1000} s; left to finish in the background`);
  } catch (error) {
    console.warn(`${what} failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
