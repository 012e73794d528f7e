import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { paths as defaultPaths, type BrokerPaths } from './paths.ts';

const MAIN_CLASS = 'kafka.Kafka';
export const DEFAULT_HEAP_OPTS = '-Xms256m -Xmx512m';

export function readPid(paths: BrokerPaths = defaultPaths): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number, paths: BrokerPaths): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it belongs to someone else, so it is not our broker either.
    return false;
  }
  // Guard against pid reuse (and zombies, whose cmdline is empty): on Linux, make sure the process
  // really is this instance's broker JVM (the properties path is unique per instance and node).
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(MAIN_CLASS) && cmdline.split('\0').includes(paths.serverProperties);
  } catch {
    return true;
  }
}

/** Pid of the broker this launcher started, if it is still running; clears a stale pid file. */
export function runningBrokerPid(paths: BrokerPaths = defaultPaths): number | undefined {
  const pid = readPid(paths);
  if (pid === undefined) return undefined;
  if (isAlive(pid, paths)) return pid;
  rmSync(paths.pidFile, { force: true });
  return undefined;
}

export interface SpawnOptions {
  java: string;
  classpath: string;
  paths?: BrokerPaths;
  /** JVM heap flags; default KAFKA_HEAP_OPTS or `-Xms256m -Xmx512m`. */
  heapOpts?: string;
}

/**
 * Starts the broker JVM detached, in its own process group, with its output in a file: it must
 * outlive the launcher (npm start, npm test, the CLI) and never write to their terminal.
 */
export function spawnBroker({ java, classpath, paths = defaultPaths, heapOpts }: SpawnOptions): number {
  const heap = (heapOpts ?? process.env.KAFKA_HEAP_OPTS ?? DEFAULT_HEAP_OPTS).split(/\s+/).filter(Boolean);
  const output = openSync(paths.consoleLog, 'a');
  const child = spawn(
    java,
    [
      ...heap,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${paths.logsDir}`,
      `-Dlog4j2.configurationFile=${paths.log4jConfig}`,
      '-cp',
      classpath,
      MAIN_CLASS,
      paths.serverProperties,
    ],
    { detached: true, stdio: ['ignore', output, output] },
  );
  closeSync(output);
  if (child.pid === undefined) throw new Error(`Could not start ${java}; see ${paths.consoleLog}.`);
  child.unref();
  writeFileSync(paths.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function isProcessAlive(pid: number, paths: BrokerPaths = defaultPaths): boolean {
  return isAlive(pid, paths);
}

export interface StopBrokerOptions {
  paths?: BrokerPaths;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** SIGTERM (default) lets Kafka shut down cleanly; SIGKILL simulates a crash. */
  signal?: 'SIGTERM' | 'SIGKILL';
}

/**
 * SIGTERM (Kafka shuts down cleanly on it), wait, then SIGKILL the whole group if it hangs.
 * Returns false when there was nothing to stop.
 */
export async function stopBroker(options: StopBrokerOptions = {}): Promise<boolean> {
  const { paths = defaultPaths, timeoutMs = 30_000, log = console.log, signal: first = 'SIGTERM' } = options;
  const pid = runningBrokerPid(paths);
  if (pid === undefined) return false;
  log(`Stopping Kafka broker (pid ${pid}, ${paths.root})${first === 'SIGKILL' ? ' with SIGKILL' : ''}...`);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal(first);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid, paths)) break;
    await sleep(200);
  }
  if (isAlive(pid, paths)) {
    log(`Kafka did not exit within ${timeoutMs / 1000} s; sending SIGKILL.`);
    signal('SIGKILL');
    while (isAlive(pid, paths)) await sleep(100);
  }
  rmSync(paths.pidFile, { force: true });
  log('Kafka broker stopped.');
  return true;
}
