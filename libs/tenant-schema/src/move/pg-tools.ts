import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TenantMoveError } from './move-errors.ts';

const INSTALL_ROOT = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin directory with both pg_dump and pg_restore (pg_dump must be at least the server's version). */
export function findPgBinDir(): string {
  const versions = existsSync(INSTALL_ROOT) ? readdirSync(INSTALL_ROOT).filter((v) => /^\d+$/.test(v)) : [];
  const found = versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(INSTALL_ROOT, v, 'bin'))
    .find((dir) => existsSync(join(dir, 'pg_dump')) && existsSync(join(dir, 'pg_restore')));
  if (!found) {
    throw new TenantMoveError('TNT_ERR_MOVE_PG_TOOLS_MISSING', `An offline move needs pg_dump and pg_restore; none found under ${INSTALL_ROOT}/<version>/bin (install the postgresql-client package of the servers' version).`);
  }
  return found;
}

/** The URL without its password, which goes in PGPASSWORD instead: a command line is visible to every user of the machine. */
export function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

interface Finished {
  code: number | null;
  stderr: string;
}

function collect(child: ReturnType<typeof spawn>): Promise<Finished> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: -1, stderr: `${stderr}${error.message}` }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * `pg_dump -n <schema> -Fc` of the source piped into `pg_restore --single-transaction` on the
 * target: the restore commits whole or not at all. Owners become the restoring user (as a
 * provisioned schema is owned by the migrating user); grants to the tenant's role come along.
 */
export async function dumpAndRestore(
  { schema, sourceUrl, targetUrl, binDir, signal }: { schema: string; sourceUrl: string; targetUrl: string; binDir: string; signal?: AbortSignal },
): Promise<void> {
  const source = connectionFor(sourceUrl);
  const target = connectionFor(targetUrl);
  const dump = spawn(join(binDir, 'pg_dump'), ['--schema', `"${schema}"`, '--format=custom', '--dbname', source.dbname], { env: source.env, signal, stdio: ['ignore', 'pipe', 'pipe'] });
  const restore = spawn(join(binDir, 'pg_restore'), ['--single-transaction', '--exit-on-error', '--no-owner', '--dbname', target.dbname], {
    env: target.env,
    signal,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  // A restore that stops reading (it failed) must not make the dump's write crash the process.
  restore.stdin!.on('error', () => undefined);
  dump.stdout!.pipe(restore.stdin!);
  const [dumped, restored] = await Promise.all([collect(dump), collect(restore)]);
  if (dumped.code !== 0 || restored.code !== 0) {
    const failed = dumped.code !== 0 ? `pg_dump exited with ${dumped.code}: ${dumped.stderr.trim()}` : `pg_restore exited with ${restored.code}: ${restored.stderr.trim()}`;
    throw new TenantMoveError('TNT_ERR_MOVE_COPY_FAILED', `Copying ${schema} failed (nothing was kept on the target): ${failed}`, { step: 'drained' });
  }
}
