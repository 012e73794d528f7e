import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the launcher keeps things. Jars live in a version-keyed cache (`.cache/`, git-ignored) so a
 * version bump fetches afresh; broker state lives in `.data/kafka/` (git-ignored) and survives restarts.
 * Other broker instances (a test's own broker, a cluster) live in `.data/kafka-<instance>/`, so
 * stopping or wiping one never touches the shared default broker.
 */

// Pinned so every clone runs the same broker; KAFKA_VERSION overrides for trying another 4.x.
export const DEFAULT_KAFKA_VERSION = '4.4.0';

export const DEFAULT_INSTANCE = 'default';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
}

export function cacheDir(version: string): string {
  return join(repoRoot, '.cache', 'kafka', version);
}

/** Instance names become directory names: keep them short and harmless. */
export function assertInstanceName(instance: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(instance)) {
    throw new Error(
      `Kafka instance name "${instance}" is not valid: use 1-48 lowercase letters, digits or dashes (e.g. "outage-3f9a").`,
    );
  }
  return instance;
}

/** `.data/kafka` for the default instance, `.data/kafka-<instance>` for any other. */
export function instanceRoot(instance: string = DEFAULT_INSTANCE): string {
  assertInstanceName(instance);
  return join(repoRoot, '.data', instance === DEFAULT_INSTANCE ? 'kafka' : `kafka-${instance}`);
}

export interface BrokerPaths {
  /** Everything of this broker lives below here. */
  root: string;
  /** KRaft metadata and topic partitions. */
  logDirs: string;
  /** Broker's own log files (log4j2), plus the JVM's stdout/stderr. */
  logsDir: string;
  serverLog: string;
  consoleLog: string;
  serverProperties: string;
  log4jConfig: string;
  pidFile: string;
  lockFile: string;
}

/** The files of one broker process rooted at `root`. */
export function brokerPathsAt(root: string, lockFile = join(root, 'launcher.lock')): BrokerPaths {
  return {
    root,
    logDirs: join(root, 'data'),
    logsDir: join(root, 'logs'),
    serverLog: join(root, 'logs', 'server.log'),
    consoleLog: join(root, 'logs', 'console.log'),
    serverProperties: join(root, 'server.properties'),
    log4jConfig: join(root, 'log4j2.properties'),
    pidFile: join(root, 'kafka.pid'),
    lockFile,
  };
}

/** Paths of a single-broker instance. */
export function instancePaths(instance: string = DEFAULT_INSTANCE): BrokerPaths {
  return brokerPathsAt(instanceRoot(instance));
}

/** Paths of node `nodeId` (1-based) of a cluster instance; the nodes share the instance's lock. */
export function clusterNodePaths(instance: string, nodeId: number): BrokerPaths {
  const root = instanceRoot(instance);
  return brokerPathsAt(join(root, `node-${nodeId}`), join(root, 'launcher.lock'));
}

export const dataRoot = instanceRoot(DEFAULT_INSTANCE);

/** The default instance (the shared broker on 9092). */
export const paths = instancePaths(DEFAULT_INSTANCE);
