import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomClusterId } from './broker-config.ts';
import { paths as defaultPaths, type BrokerPaths } from './paths.ts';

// Static quorum (controller.quorum.voters), so no --standalone: that flag is for dynamic quorums.
function formatArgs(classpath: string, paths: BrokerPaths, clusterId: string): string[] {
  return [
    '-Xmx256m',
    `-Dlog4j2.configurationFile=${paths.log4jConfig}`,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '--cluster-id',
    clusterId,
    '--config',
    paths.serverProperties,
    '--ignore-formatted',
  ];
}

/** True once KRaft storage has been formatted (Kafka writes meta.properties into the log dir). */
export function isFormatted(logDirs = defaultPaths.logDirs): boolean {
  return existsSync(join(logDirs, 'meta.properties'));
}

export interface FormatOptions {
  paths?: BrokerPaths;
  /** The nodes of one cluster must share a cluster id; default: a fresh random one. */
  clusterId?: string;
}

/**
 * Formats KRaft storage once, with a fresh cluster id. Later starts reuse it, so topics and
 * committed offsets survive a restart; delete `.data/kafka/` to start from nothing.
 */
export function formatStorageOnce(
  java: string,
  classpath: string,
  log: (line: string) => void,
  { paths = defaultPaths, clusterId = randomClusterId() }: FormatOptions = {},
): boolean {
  if (isFormatted(paths.logDirs)) return false;
  mkdirSync(paths.logDirs, { recursive: true });
  const result = spawnSync(java, formatArgs(classpath, paths, clusterId), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(
      `Formatting Kafka storage in ${paths.logDirs} failed (exit ${result.status ?? result.signal}):\n` +
        `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(),
    );
  }
  log(`Formatted KRaft storage in ${paths.logDirs} (cluster id ${clusterId}).`);
  return true;
}

/** formatStorageOnce without blocking, so the nodes of a cluster format in parallel. */
export async function formatStorageOnceAsync(java: string, classpath: string, { paths = defaultPaths, clusterId = randomClusterId() }: FormatOptions = {}): Promise<boolean> {
  if (isFormatted(paths.logDirs)) return false;
  mkdirSync(paths.logDirs, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    execFile(java, formatArgs(classpath, paths, clusterId), { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve();
      reject(new Error(`Formatting Kafka storage in ${paths.logDirs} failed (${error.message}):\n${stdout}${stderr}`.trim()));
    });
  });
  return true;
}
