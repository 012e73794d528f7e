import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brokerPorts, renderLog4j2Properties, renderServerProperties, type BrokerPorts } from './broker-config.ts';
import { runningBrokerPid, isProcessAlive, spawnBroker, stopBroker } from './broker-process.ts';
import { fetchKafkaArtifacts } from './fetch-artifacts.ts';
import { withLock } from './launcher-lock.ts';
import { MissingToolError, requireTool } from './missing-tool.ts';
import { DEFAULT_INSTANCE, instancePaths, kafkaVersion, type BrokerPaths } from './paths.ts';
import { formatStorageOnce } from './storage-format.ts';
import { describeCluster, portAnswers, waitUntilReady } from './wait-ready.ts';

export { MissingToolError } from './missing-tool.ts';

const HOST = '127.0.0.1';
const logHintFor = (paths: BrokerPaths) => `Broker log: ${paths.serverLog} (JVM output: ${paths.consoleLog}).`;

export interface InstanceOption {
  /**
   * Which broker: 'default' (KAFKA_INSTANCE or 'default') is the shared one in `.data/kafka/`;
   * any other name gets its own data, logs, pid, lock and config in `.data/kafka-<instance>/`.
   */
  instance?: string;
}

export interface EnsureKafkaOptions extends InstanceOption {
  /** Client port; defaults to KAFKA_PORT, then (other instances) the port it last ran on, then 9092. */
  port?: number;
  /** Controller port; defaults to the one it last ran with on this client port, else the client port + 1. */
  controllerPort?: number;
  /** JVM heap flags; default KAFKA_HEAP_OPTS or `-Xms256m -Xmx512m`. */
  heapOpts?: string;
  /** How long to wait for the broker to answer; default 90 s. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface EnsuredKafka {
  brokers: string[];
  startedByUs: boolean;
  instance: string;
}

function resolveInstance(instance: string | undefined): string {
  return instance ?? (process.env.KAFKA_INSTANCE?.trim() || DEFAULT_INSTANCE);
}

/** The ports an instance was last started with (from its generated server.properties). */
export function storedPorts(paths: BrokerPaths): BrokerPorts | undefined {
  if (!existsSync(paths.serverProperties)) return undefined;
  const listeners = /^listeners=(.*)$/m.exec(readFileSync(paths.serverProperties, 'utf8'))?.[1] ?? '';
  const port = Number(/PLAINTEXT:\/\/[^:,]+:(\d+)/.exec(listeners)?.[1]);
  const controllerPort = Number(/CONTROLLER:\/\/[^:,]+:(\d+)/.exec(listeners)?.[1]);
  return port && controllerPort ? { port, controllerPort } : undefined;
}

/** Ports of `instance`: explicit, else KAFKA_PORT, else (other instances) the stored ones, else 9092. */
function portsFor(instance: string, paths: BrokerPaths, port?: number, controllerPort?: number): BrokerPorts {
  if (port !== undefined) {
    // A restart on the same client port keeps the controller port it was given the first time.
    const stored = controllerPort === undefined ? storedPorts(paths) : undefined;
    return brokerPorts(process.env, port, stored?.port === port ? stored.controllerPort : controllerPort);
  }
  if (process.env.KAFKA_PORT?.trim()) return brokerPorts(process.env, undefined, controllerPort);
  if (instance === DEFAULT_INSTANCE) return brokerPorts(process.env, undefined, controllerPort);
  const stored = storedPorts(paths);
  if (stored) return stored;
  throw new Error(
    `Kafka instance "${instance}" has never run, so it has no port yet: pass { port } or set KAFKA_PORT ` +
      `(9092 belongs to the default instance).`,
  );
}

/** Answers when whatever listens on the port speaks Kafka; throws a clear error when it does not. */
async function adoptRunning(brokers: string[], port: number, timeoutMs: number, paths: BrokerPaths): Promise<void> {
  const ours = runningBrokerPid(paths);
  try {
    // Our own broker may have opened its port but still be starting: give it the full timeout.
    if (ours !== undefined) {
      await waitUntilReady({ brokers, timeoutMs, stillRunning: () => isProcessAlive(ours, paths), logHint: logHintFor(paths) });
    } else {
      await waitUntilReady({ brokers, timeoutMs: 10_000, logHint: '' });
    }
  } catch {
    throw new Error(
      `Something listens on ${HOST}:${port} but does not answer as a Kafka broker. ` +
        `Stop it, or choose another port with KAFKA_PORT.`,
    );
  }
}

/**
 * Makes sure a Kafka broker answers on 127.0.0.1:<port>, starting the instance's own one (fetching
 * jars and formatting storage on first use) when nothing is there. The broker is left running.
 */
export async function ensureKafka(options: EnsureKafkaOptions = {}): Promise<EnsuredKafka> {
  const log = options.log ?? console.log;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const instance = resolveInstance(options.instance);
  const paths = instancePaths(instance);
  const ports = portsFor(instance, paths, options.port, options.controllerPort);
  const brokers = [`${HOST}:${ports.port}`];
  const logHint = logHintFor(paths);

  if (await portAnswers(HOST, ports.port)) {
    await adoptRunning(brokers, ports.port, timeoutMs, paths);
    log(`Kafka already answers on ${brokers[0]}; nothing to start.`);
    return { brokers, startedByUs: false, instance };
  }

  return withLock(paths.lockFile, timeoutMs + 300_000, async () => {
    // Another launcher may have started it while we waited for the lock.
    if (await portAnswers(HOST, ports.port)) {
      await adoptRunning(brokers, ports.port, timeoutMs, paths);
      log(`Kafka already answers on ${brokers[0]}; nothing to start.`);
      return { brokers, startedByUs: false, instance };
    }
    const stale = runningBrokerPid(paths);
    if (stale !== undefined) {
      // Running but not listening on this port (e.g. started with another KAFKA_PORT): replace it.
      await stopBroker({ paths, log });
    }

    const java = requireTool('java');
    const version = kafkaVersion();
    const { classpath } = fetchKafkaArtifacts(version, log);

    mkdirSync(paths.logsDir, { recursive: true });
    mkdirSync(paths.logDirs, { recursive: true });
    writeFileSync(paths.serverProperties, renderServerProperties({ ...ports, logDirs: paths.logDirs }));
    writeFileSync(paths.log4jConfig, renderLog4j2Properties(paths.logsDir));
    formatStorageOnce(java, classpath, log, { paths });

    const started = Date.now();
    const pid = spawnBroker({ java, classpath, paths, heapOpts: options.heapOpts });
    log(`Starting Apache Kafka ${version} (pid ${pid}, instance ${instance}) on ${brokers[0]}...`);
    try {
      await waitUntilReady({ brokers, timeoutMs, stillRunning: () => isProcessAlive(pid, paths), logHint });
    } catch (error) {
      // Do not leave a half-started JVM behind.
      await stopBroker({ paths, timeoutMs: 10_000, log: () => undefined });
      throw error;
    }
    log(`Kafka is ready on ${brokers[0]} after ${((Date.now() - started) / 1000).toFixed(1)} s. ${logHint}`);
    return { brokers, startedByUs: true, instance };
  });
}

export interface StopKafkaOptions extends InstanceOption {
  log?: (line: string) => void;
  /** SIGKILL simulates a crash; default SIGTERM (clean shutdown). */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** Also delete the instance's directory (data, logs, config). Refused for the default instance. */
  purge?: boolean;
}

/** Stops the instance's broker this launcher started; a no-op when it is not running. */
export async function stopKafka(options: StopKafkaOptions = {}): Promise<boolean> {
  const log = options.log ?? console.log;
  const instance = resolveInstance(options.instance);
  if (options.purge && instance === DEFAULT_INSTANCE) {
    throw new Error('Refusing to purge the default Kafka instance (the shared broker); delete .data/kafka/ by hand if you mean it.');
  }
  const paths = instancePaths(instance);
  const stopped = await stopBroker({ paths, log, signal: options.signal });
  if (!stopped && !options.purge) {
    const port = instance === DEFAULT_INSTANCE ? brokerPorts().port : storedPorts(paths)?.port;
    const other = port !== undefined && (await portAnswers(HOST, port));
    log(
      other
        ? `No broker started by this launcher is running; something else answers on ${HOST}:${port} and was left alone.`
        : `Kafka (instance ${instance}) is not running; nothing to stop.`,
    );
  }
  if (options.purge) rmSync(paths.root, { recursive: true, force: true });
  return stopped;
}

export interface KafkaStatus {
  instance: string;
  brokers: string[];
  pid?: number;
  answering: boolean;
  clusterId?: string;
}

export async function kafkaStatus(options: InstanceOption & { port?: number } = {}): Promise<KafkaStatus> {
  const instance = resolveInstance(options.instance);
  const paths = instancePaths(instance);
  const pid = runningBrokerPid(paths);
  let port: number;
  try {
    port = portsFor(instance, paths, options.port).port;
  } catch {
    return { instance, brokers: [], pid, answering: false };
  }
  const brokers = [`${HOST}:${port}`];
  try {
    const cluster = await describeCluster(brokers, 3000);
    return { instance, brokers, pid, answering: true, clusterId: cluster.clusterId };
  } catch {
    return { instance, brokers, pid, answering: false };
  }
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'start':
      await ensureKafka();
      return 0;
    case 'stop':
      await stopKafka();
      return 0;
    case 'status': {
      const status = await kafkaStatus();
      const owner = status.pid === undefined ? 'not started by this launcher' : `pid ${status.pid}`;
      const where = status.brokers[0] ?? `(instance ${status.instance} has no port yet)`;
      console.log(
        status.answering
          ? `Kafka answers on ${where} (cluster ${status.clusterId}, ${owner}, instance ${status.instance}). ${logHintFor(instancePaths(status.instance))}`
          : `Kafka is not answering on ${where}${status.pid ? ` (pid ${status.pid} is running; still starting?)` : ''}.`,
      );
      return status.answering ? 0 : 1;
    }
    default:
      console.error('Usage: [KAFKA_INSTANCE=<name>] [KAFKA_PORT=<port>] node tools/kafka/kafka.ts start|stop|status');
      return 64;
  }
}

if (import.meta.main) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof MissingToolError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
