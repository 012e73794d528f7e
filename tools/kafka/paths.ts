import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the launcher keeps things. Jars live in a version-keyed cache (`.cache/`, git-ignored) so a
 * version bump fetches afresh; broker state lives in `.data/kafka/` (git-ignored) and survives restarts.
 */

// Pinned so every clone runs the same broker; KAFKA_VERSION overrides for trying another 4.x.
export const DEFAULT_KAFKA_VERSION = '4.4.0';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
}

export function cacheDir(version: string): string {
  return join(repoRoot, '.cache', 'kafka', version);
}

export const dataRoot = join(repoRoot, '.data', 'kafka');

export const paths = {
  /** KRaft metadata and topic partitions. */
  logDirs: join(dataRoot, 'data'),
  /** Broker's own log files (log4j2), plus the JVM's stdout/stderr. */
  logsDir: join(dataRoot, 'logs'),
  serverLog: join(dataRoot, 'logs', 'server.log'),
  consoleLog: join(dataRoot, 'logs', 'console.log'),
  serverProperties: join(dataRoot, 'server.properties'),
  log4jConfig: join(dataRoot, 'log4j2.properties'),
  pidFile: join(dataRoot, 'kafka.pid'),
  lockFile: join(dataRoot, 'launcher.lock'),
};
