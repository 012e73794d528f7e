import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomClusterId, renderLog4j2Properties, renderServerProperties } from './broker-config.ts';
import { isProcessAlive, runningBrokerPid, spawnBroker, stopBroker } from './broker-process.ts';
import { fetchKafkaArtifacts } from './fetch-artifacts.ts';
import { withLock } from './launcher-lock.ts';
import { requireTool } from './missing-tool.ts';
import { DEFAULT_INSTANCE, clusterNodePaths, instanceRoot, kafkaVersion, type BrokerPaths } from './paths.ts';
import { formatStorageOnceAsync } from './storage-format.ts';
import { describeCluster, portAnswers } from './wait-ready.ts';

const HOST = '127.0.0.1';
/** Three JVMs share a small machine: keep each one lean. */
export const CLUSTER_HEAP_OPTS = '-Xms128m -Xmx384m';

export interface ClusterNode {
  nodeId: number;
  port: number;
  controllerPort: number;
  paths: BrokerPaths;
}

export interface KafkaCluster {
  instance: string;
  clusterId: string;
  nodes: ClusterNode[];
  /** `127.0.0.1:<port>` of every node, for KAFKA_BROKERS. */
  brokers: string[];
}

interface ClusterLayout {
  clusterId: string;
  basePort: number;
  nodes: number;
}

export interface EnsureKafkaClusterOptions {
  /** Any name but 'default'; state lives in `.data/kafka-<instance>/node-<n>/`. */
  instance: string;
  /** Node n (1-based) listens on basePort + 2(n-1), its controller on the next port. */
  basePort: number;
  /** Default 3 (controller quorum of 3, replication factor 3, min.insync.replicas 2). */
  nodes?: number;
  heapOpts?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

function layoutFile(instance: string): string {
  return join(instanceRoot(instance), 'cluster.json');
}

function readLayout(instance: string): ClusterLayout | undefined {
  const file = layoutFile(instance);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterLayout) : undefined;
}

function nodesOf(instance: string, layout: ClusterLayout): ClusterNode[] {
  return Array.from({ length: layout.nodes }, (_, i) => {
    const port = layout.basePort + 2 * i;
    return { nodeId: i + 1, port, controllerPort: port + 1, paths: clusterNodePaths(instance, i + 1) };
  });
}

function clusterOf(instance: string, layout: ClusterLayout): KafkaCluster {
  const nodes = nodesOf(instance, layout);
  return { instance, clusterId: layout.clusterId, nodes, brokers: nodes.map((n) => `${HOST}:${n.port}`) };
}

/** The cluster as last started (ports, node directories), or an error saying how to start it. */
export function kafkaCluster(instance: string): KafkaCluster {
  const layout = readLayout(instance);
  if (!layout) throw new Error(`Kafka cluster "${instance}" was never started; call ensureKafkaCluster({ instance, basePort }) first.`);
  return clusterOf(instance, layout);
}

/** Minimum in-sync replicas for `nodes` nodes: a majority, so an acknowledged write survives losing one node. */
export function clusterMinIsr(nodes: number): number {
  return nodes >= 3 ? 2 : 1;
}

function writeNodeConfig(node: ClusterNode, all: ClusterNode[]): void {
  mkdirSync(node.paths.logsDir, { recursive: true });
  mkdirSync(node.paths.logDirs, { recursive: true });
  writeFileSync(
    node.paths.serverProperties,
    renderServerProperties({
      port: node.port,
      controllerPort: node.controllerPort,
      logDirs: node.paths.logDirs,
      nodeId: node.nodeId,
      voters: all.map((n) => `${n.nodeId}@${HOST}:${n.controllerPort}`).join(','),
      replicationFactor: Math.min(3, all.length),
      minInsyncReplicas: clusterMinIsr(all.length),
    }),
  );
  writeFileSync(node.paths.log4jConfig, renderLog4j2Properties(node.paths.logsDir));
}

/** Waits until `brokers` answer and the cluster metadata lists `expected` brokers. */
async function waitForBrokers(brokers: string[], expected: number, timeoutMs: number, alive: () => boolean, hint: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`A Kafka cluster node exited during start-up. ${hint}`);
    try {
      const info = await describeCluster(brokers, 5000);
      if (info.brokers.length >= expected && info.controller !== null) return;
      last = `${info.brokers.length}/${expected} brokers registered`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(500);
  }
  throw new Error(`Kafka cluster on ${brokers.join(',')} not ready within ${timeoutMs / 1000} s (${last}). ${hint}`);
}

function spawnNode(node: ClusterNode, java: string, classpath: string, heapOpts: string): number {
  return spawnBroker({ java, classpath, paths: node.paths, heapOpts });
}

/**
 * Starts (or adopts) a KRaft cluster of combined broker+controller nodes on 127.0.0.1: a static
 * quorum of every node, replication factor 3 for new and internal topics and
 * `min.insync.replicas=2`, so with acks=all a write is acknowledged only once two nodes hold it.
 */
export async function ensureKafkaCluster(options: EnsureKafkaClusterOptions): Promise<KafkaCluster> {
  const { instance, basePort } = options;
  if (instance === DEFAULT_INSTANCE) throw new Error('The default Kafka instance is the shared single broker; give the cluster its own instance name.');
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`A cluster has 1-9 nodes, got ${count}.`);
  const log = options.log ?? console.log;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const heapOpts = options.heapOpts ?? CLUSTER_HEAP_OPTS;
  const root = instanceRoot(instance);

  return withLock(join(root, 'launcher.lock'), timeoutMs + 300_000, async () => {
    const existing = readLayout(instance);
    if (existing && (existing.basePort !== basePort || existing.nodes !== count)) {
      throw new Error(
        `Kafka cluster "${instance}" was formatted with ${existing.nodes} nodes from port ${existing.basePort}; ` +
          `stop it with stopKafkaCluster({ instance, purge: true }) to start another layout.`,
      );
    }
    const layout = existing ?? { clusterId: randomClusterId(), basePort, nodes: count };
    mkdirSync(root, { recursive: true });
    writeFileSync(layoutFile(instance), `${JSON.stringify(layout, null, 2)}\n`);
    const cluster = clusterOf(instance, layout);

    const java = requireTool('java');
    const { classpath } = fetchKafkaArtifacts(kafkaVersion(), log);
    const toStart: ClusterNode[] = [];
    for (const node of cluster.nodes) {
      if (runningBrokerPid(node.paths) !== undefined) continue;
      if (await portAnswers(HOST, node.port)) {
        throw new Error(`Port ${node.port} (node ${node.nodeId} of cluster "${instance}") is taken by another process; choose another basePort.`);
      }
      writeNodeConfig(node, cluster.nodes);
      toStart.push(node);
    }
    // Formatting starts a JVM per node: do them side by side, then start every node at once
    // (a node alone cannot finish starting: it needs a quorum of controllers).
    await Promise.all(toStart.map((node) => formatStorageOnceAsync(java, classpath, { paths: node.paths, clusterId: layout.clusterId })));
    const started: ClusterNode[] = [];
    for (const node of toStart) {
      spawnNode(node, java, classpath, heapOpts);
      started.push(node);
    }
    if (started.length) log(`Starting Kafka cluster "${instance}": nodes ${started.map((n) => n.nodeId).join(', ')} on ${cluster.brokers.join(',')}...`);
    const t0 = Date.now();
    try {
      await waitForBrokers(
        cluster.brokers,
        count,
        timeoutMs,
        () => cluster.nodes.every((n) => runningBrokerPid(n.paths) !== undefined),
        `Node logs: ${join(root, 'node-<n>', 'logs', 'server.log')}.`,
      );
    } catch (error) {
      for (const node of started) await stopBroker({ paths: node.paths, timeoutMs: 10_000, log: () => undefined });
      throw error;
    }
    if (started.length) log(`Kafka cluster "${instance}" ready after ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    return cluster;
  });
}

export interface NodeOptions {
  instance: string;
  nodeId: number;
  log?: (line: string) => void;
}

function nodeOf(instance: string, nodeId: number): { cluster: KafkaCluster; node: ClusterNode } {
  const cluster = kafkaCluster(instance);
  const node = cluster.nodes.find((n) => n.nodeId === nodeId);
  if (!node) throw new Error(`Kafka cluster "${instance}" has no node ${nodeId} (nodes 1-${cluster.nodes.length}).`);
  return { cluster, node };
}

/** Stops one node: SIGTERM (controlled shutdown, leadership moves first) or SIGKILL (a crash). */
export async function stopKafkaNode(options: NodeOptions & { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<boolean> {
  const { node } = nodeOf(options.instance, options.nodeId);
  return stopBroker({ paths: node.paths, signal: options.signal, log: options.log ?? (() => undefined) });
}

/** Starts one stopped node again and waits until it is back in the cluster metadata. */
export async function startKafkaNode(options: NodeOptions & { heapOpts?: string; timeoutMs?: number }): Promise<void> {
  const { cluster, node } = nodeOf(options.instance, options.nodeId);
  if (runningBrokerPid(node.paths) !== undefined) return;
  const java = requireTool('java');
  const { classpath } = fetchKafkaArtifacts(kafkaVersion(), options.log ?? (() => undefined));
  writeNodeConfig(node, cluster.nodes);
  const pid = spawnNode(node, java, classpath, options.heapOpts ?? CLUSTER_HEAP_OPTS);
  await waitForBrokers([`${HOST}:${node.port}`], cluster.nodes.length, options.timeoutMs ?? 90_000, () => isProcessAlive(pid, node.paths), `Node log: ${node.paths.serverLog}.`);
}

/** Stops every node of the cluster; `purge` also deletes `.data/kafka-<instance>/`. */
export async function stopKafkaCluster(options: { instance: string; purge?: boolean; log?: (line: string) => void }): Promise<void> {
  const { instance } = options;
  if (instance === DEFAULT_INSTANCE) throw new Error('Refusing to treat the default Kafka instance as a cluster.');
  const layout = readLayout(instance);
  if (layout) {
    await Promise.all(
      nodesOf(instance, layout).map((node) => stopBroker({ paths: node.paths, log: options.log ?? (() => undefined) })),
    );
  }
  if (options.purge) rmSync(instanceRoot(instance), { recursive: true, force: true });
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A random base port with `count` consecutive free ports after it (e.g. 6 for a three-node cluster). */
export async function findFreePortBlock(count: number, attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await bindable(p);
    if (free) return base;
  }
  throw new Error(`Could not find ${count} consecutive free ports on ${HOST}.`);
}
