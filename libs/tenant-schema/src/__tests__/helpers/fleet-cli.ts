import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../../../..');
export const CLI_MAIN = resolve(REPO_ROOT, 'apps/cli/src/main.ts');
/** The fixture list (shipped + the second migration), as the CLI's hidden --migrations-module loads it. */
export const FIXTURE_MIGRATIONS = resolve(here, 'fleet-migrations.ts');
export const THIRD_FIXTURE_MIGRATIONS = resolve(here, 'fleet-migrations-third.ts');

export interface CliRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the real operator CLI (`node apps/cli/src/main.ts ...`) against `databaseUrl`. */
export function startCli(args: string[], databaseUrl: string): CliRun {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CONTROL_SCHEMA: 'control', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolveExit) =>
    child.once('close', (code, signal) => resolveExit({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

export async function runCli(args: string[], databaseUrl: string) {
  return startCli(args, databaseUrl).exited;
}
