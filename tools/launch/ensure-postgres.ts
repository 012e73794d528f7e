import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { postgresAnswers } from '@tenantry/sql';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tenantry';

/** The server answers (its `postgres` database: the tenantry database may not exist yet). */
function adminAnswers(url: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return postgresAnswers(admin.toString(), { connectTimeoutMs: 3_000 });
}

/**
 * Makes sure PostgreSQL answers at DATABASE_URL. On a machine with a local Debian cluster that is
 * stopped, starts it with pg_ctlcluster; otherwise says what is wrong.
 */
export async function ensurePostgres(url = process.env.DATABASE_URL || DEFAULT_URL, log = console.log): Promise<void> {
  if (await adminAnswers(url)) return;
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
      if (await adminAnswers(url)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(
    `PostgreSQL does not answer at ${url.replace(/:[^:@/]*@/, ':***@')}. Start it (e.g. 'pg_ctlcluster 15 main start' ` +
      `or 'apt-get install postgresql'), or point DATABASE_URL at a running server.`,
  );
}
