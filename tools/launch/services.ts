import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICE_NAMES = ['tenant-api', 'provisioner', 'dte-sync'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceProcess {
  name: ServiceName;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<number | null>;
}

export interface SpawnServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** Receives each output line; default prints it prefixed with the service name. */
  onLine?: (line: string, name: ServiceName) => void;
}

/** Runs one service as its own Node 24 process (`node apps/<name>/src/main.ts`). */
export function spawnService(name: ServiceName, options: SpawnServiceOptions = {}): ServiceProcess {
  const child = spawn(process.execPath, [resolve(REPO_ROOT, `apps/${name}/src/main.ts`)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = options.onLine ?? ((line: string) => console.log(`[${name}] ${line}`));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => onLine(line, name));
  }
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const kill9 = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  };
  return { name, child, exited, stop, kill9 };
}
