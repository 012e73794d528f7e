import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tenantry';

async function answers(url: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes sure PostgreSQL answers at DATABASE_URL. On a machine with a local Debian cluster that is
 * stopped, starts it with pg_ctlcluster; otherwise says what is wrong.
 */
export async function ensurePostgres(url = process.env.DATABASE_URL || DEFAULT_URL, log = console.log): Promise<void> {
  if (await answers(url)) return;
  const host = new URL(url).hostname;
  const local = host === '127.0.0.1' || host === 'localhost';
  let versions: string[] = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    // no Debian cluster layout
  }
  if (local && versions.length > 0) {
    log(`PostgreSQL is not answering; starting the local cluster ${versions[0]}/main.`);
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
    } catch {
      // fall through to the check below, which explains
    }
    for (let i = 0; i < 30; i++) {
      if (await answers(url)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(
    `PostgreSQL does not answer at ${url.replace(/:[^:@/]*@/, ':***@')}. Start it (e.g. 'pg_ctlcluster 15 main start' ` +
      `or 'apt-get install postgresql'), or point DATABASE_URL at a running server.`,
  );
}
