import { mkdirSync, writeFileSync } from 'node:fs';
import { brokerPorts, renderLog4j2Properties, renderServerProperties } from './broker-config.ts';
import { runningBrokerPid, isProcessAlive, spawnBroker, stopBroker } from './broker-process.ts';
import { fetchKafkaArtifacts } from './fetch-artifacts.ts';
import { withLock } from './launcher-lock.ts';
import { MissingToolError, requireTool } from './missing-tool.ts';
import { kafkaVersion, paths } from './paths.ts';
import { formatStorageOnce } from './storage-format.ts';
import { describeCluster, portAnswers, waitUntilReady } from './wait-ready.ts';

export { MissingToolError } from './missing-tool.ts';

const HOST = '127.0.0.1';
const logHint = `Broker log: ${paths.serverLog} (JVM output: ${paths.consoleLog}).`;

export interface EnsureKafkaOptions {
  /** Client port; defaults to KAFKA_PORT or 9092. */
  port?: number;
  /** How long to wait for the broker to answer; default 90 s. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface EnsuredKafka {
  brokers: string[];
  startedByUs: boolean;
}

/** Answers when whatever listens on the port speaks Kafka; throws a clear error when it does not. */
async function adoptRunning(brokers: string[], port: number, timeoutMs: number): Promise<void> {
  const ours = runningBrokerPid();
  try {
    // Our own broker may have opened its port but still be starting: give it the full timeout.
    if (ours !== undefined) {
      await waitUntilReady({ brokers, timeoutMs, stillRunning: () => isProcessAlive(ours), logHint });
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
 * Makes sure a Kafka broker answers on 127.0.0.1:<port>, starting the project's own one (fetching
 * jars and formatting storage on first use) when nothing is there. The broker is left running.
 */
export async function ensureKafka(options: EnsureKafkaOptions = {}): Promise<EnsuredKafka> {
  const log = options.log ?? console.log;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const ports = brokerPorts(process.env, options.port);
  const brokers = [`${HOST}:${ports.port}`];

  if (await portAnswers(HOST, ports.port)) {
    await adoptRunning(brokers, ports.port, timeoutMs);
    log(`Kafka already answers on ${brokers[0]}; nothing to start.`);
    return { brokers, startedByUs: false };
  }

  return withLock(paths.lockFile, timeoutMs + 300_000, async () => {
    // Another launcher may have started it while we waited for the lock.
    if (await portAnswers(HOST, ports.port)) {
      await adoptRunning(brokers, ports.port, timeoutMs);
      log(`Kafka already answers on ${brokers[0]}; nothing to start.`);
      return { brokers, startedByUs: false };
    }
    const stale = runningBrokerPid();
    if (stale !== undefined) {
      // Running but not listening on this port (e.g. started with another KAFKA_PORT): replace it.
      await stopBroker(30_000, log);
    }

    const java = requireTool('java');
    const version = kafkaVersion();
    const { classpath } = fetchKafkaArtifacts(version, log);

    mkdirSync(paths.logsDir, { recursive: true });
    mkdirSync(paths.logDirs, { recursive: true });
    writeFileSync(paths.serverProperties, renderServerProperties({ ...ports, logDirs: paths.logDirs }));
    writeFileSync(paths.log4jConfig, renderLog4j2Properties(paths.logsDir));
    formatStorageOnce(java, classpath, log);

    const started = Date.now();
    const pid = spawnBroker({ java, classpath });
    log(`Starting Apache Kafka ${version} (pid ${pid}) on ${brokers[0]}...`);
    try {
      await waitUntilReady({ brokers, timeoutMs, stillRunning: () => isProcessAlive(pid), logHint });
    } catch (error) {
      // Do not leave a half-started JVM behind.
      await stopBroker(10_000, () => undefined);
      throw error;
    }
    log(`Kafka is ready on ${brokers[0]} after ${((Date.now() - started) / 1000).toFixed(1)} s. ${logHint}`);
    return { brokers, startedByUs: true };
  });
}

/** Stops the broker this launcher started; a no-op when it is not running. */
export async function stopKafka(options: { log?: (line: string) => void } = {}): Promise<boolean> {
  const log = options.log ?? console.log;
  const stopped = await stopBroker(30_000, log);
  if (!stopped) {
    const { port } = brokerPorts();
    const other = await portAnswers(HOST, port);
    log(
      other
        ? `No broker started by this launcher is running; something else answers on ${HOST}:${port} and was left alone.`
        : 'Kafka is not running; nothing to stop.',
    );
  }
  return stopped;
}

export interface KafkaStatus {
  brokers: string[];
  pid?: number;
  answering: boolean;
  clusterId?: string;
}

export async function kafkaStatus(): Promise<KafkaStatus> {
  const { port } = brokerPorts();
  const brokers = [`${HOST}:${port}`];
  const pid = runningBrokerPid();
  try {
    const cluster = await describeCluster(brokers, 3000);
    return { brokers, pid, answering: true, clusterId: cluster.clusterId };
  } catch {
    return { brokers, pid, answering: false };
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
      console.log(
        status.answering
          ? `Kafka answers on ${status.brokers[0]} (cluster ${status.clusterId}, ${owner}). ${logHint}`
          : `Kafka is not answering on ${status.brokers[0]}${status.pid ? ` (pid ${status.pid} is running; still starting?)` : ''}.`,
      );
      return status.answering ? 0 : 1;
    }
    default:
      console.error('Usage: node tools/kafka/kafka.ts start|stop|status');
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
