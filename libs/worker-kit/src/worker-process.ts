import { loadConfig, type Config } from '@tenantry/config';
import { describeError } from '@tenantry/kafka';
import { createLogger, logProcessWarnings, redactUrlPassword, type CreateLoggerOptions, type Logger } from '@tenantry/logger';
import { probePostgres } from '@tenantry/sql';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, registerDatabasePoolMetrics, registerEventMetrics, registerKafkaMetrics, stackConsumers, startMetricsServer, type EventTimer } from './metrics/index.ts';
import { createShutdown } from './shutdown.ts';
import { openWorkerResources, type WorkerResources } from './worker-resources.ts';

/** What `start` gets: the validated config, the process logger and the opened resources. */
export interface WorkerStartContext extends WorkerResources {
  config: Config;
  logger: Logger;
  /** For the consumer's onFatal: logs it and shuts the process down with exit code 1. */
  onFatal: (error: Error) => void;
  /** The process's metrics (served on its metrics port): a worker registers its own there. */
  metrics: Registry;
  /** For the consumer (`eventTimer` of consumeTenantEvents): handling duration per event type. */
  eventTimer: EventTimer;
}

export interface StartedWorker {
  /** Resolves once the consumer joined its group and fetches. */
  ready: Promise<void>;
  /** Finishes the in-flight message and leaves the group; runs first on shutdown. */
  stop(): Promise<void>;
  /** The consumer group, for the `<name> ready` line. */
  group: string;
  /** More fields for the `<name> ready` line. */
  readyLog?: Record<string, unknown>;
}

export interface WorkerProcessOptions {
  /** Logger name, Kafka client id suffix (`<KAFKA_CLIENT_ID>-<name>`) and the name in every lifecycle line. */
  name: string;
  /** Starts the consumer once PostgreSQL and Kafka answer. */
  start: (context: WorkerStartContext) => StartedWorker | Promise<StartedWorker>;
  /** Connections in the database pool (default 5): at least one per message handled at once. */
  databasePoolSize?: (config: Config) => number;
  /** Port of /metrics, /healthz and /readyz (on HOST); 0: a free port, named in the `<name> ready` line. */
  metricsPort: (config: Config) => number;
}

/** The parts of `process` the lifecycle uses; tests pass their own. */
export interface WorkerProcessRuntime {
  env: NodeJS.ProcessEnv;
  exit: (code: number) => void;
  onSignal: (signal: 'SIGINT' | 'SIGTERM', listener: () => void) => void;
  /** Where log lines go (default stdout). */
  destination?: CreateLoggerOptions['destination'];
  /** Bound of each shutdown step (default SHUTDOWN_STEP_TIMEOUT_MS). */
  stepTimeoutMs?: number;
}

const nodeProcess: WorkerProcessRuntime = {
  env: process.env,
  exit: (code) => process.exit(code),
  onSignal: (signal, listener) => {
    process.on(signal, listener);
  },
};

/**
 * The whole life of a worker process: config (a bad one is a fatal line and exit 1), logger,
 * database, topics, producer, then `start`; `<name> ready` once the consumer fetches. SIGINT/SIGTERM
 * stop the consumer, then the producer, then the pool, and exit 0; a second signal exits 1 at once.
 * A failed start or a consumer that stopped for good is a fatal line and exit 1.
 */
export async function runWorkerProcess(options: WorkerProcessOptions, runtime: WorkerProcessRuntime = nodeProcess): Promise<void> {
  const { name } = options;
  const { destination } = runtime;
  let config: Config;
  try {
    config = loadConfig(runtime.env);
  } catch (error) {
    createLogger({ name, destination }).fatal({ err: error }, `${name} could not start: ${describeError(error)}`);
    runtime.exit(1);
    return;
  }
  const logger = createLogger({ name, level: config.logLevel, destination });
  if (runtime === nodeProcess) logProcessWarnings(logger); // Node's warnings as JSON lines, not plain stderr text
  const shutdown = createShutdown({ name, logger, exit: runtime.exit, stepTimeoutMs: runtime.stepTimeoutMs });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    runtime.onSignal(signal, () => {
      if (shutdown.started) {
        logger.warn({ signal }, 'second signal during shutdown: exiting now');
        runtime.exit(1);
        return;
      }
      void shutdown.run(0, signal);
    });
  }

  try {
    const resources = await openWorkerResources(name, config, logger, shutdown, { poolMax: options.databasePoolSize?.(config) });
    const metrics = createMetricsRegistry();
    const kafkaMetrics = registerKafkaMetrics(metrics, resources.kafka, stackConsumers(config), logger);
    shutdown.add('disconnecting the metrics admin client', () => kafkaMetrics.close());
    registerDatabasePoolMetrics(metrics, () => resources.databases.poolStats());
    let consumerReady = false;
    const server = await startMetricsServer({
      host: config.host,
      port: options.metricsPort(config),
      registry: metrics,
      readiness: {
        consumer: async () => {
          if (!consumerReady) throw new Error('the consumer has not joined its group yet');
        },
        database: () => probePostgres(config.databaseUrl),
        kafka: () => kafkaMetrics.ping(),
      },
    });
    shutdown.add('closing the metrics server', () => server.close());
    const worker = await options.start({
      ...resources,
      config,
      logger,
      metrics,
      eventTimer: registerEventMetrics(metrics),
      onFatal: (error) => {
        logger.fatal({ err: error }, 'Kafka consumer stopped for good; exiting so a supervisor can restart the process');
        void shutdown.run(1, 'consumer crash');
      },
    });
    shutdown.add('stopping the consumer', () => worker.stop());
    await worker.ready;
    consumerReady = true;
    logger.info({ topic: config.topics.tenantEvents, group: worker.group, metrics: server.address, ...worker.readyLog }, `${name} ready`);
  } catch (error) {
    if (!shutdown.started) {
      logger.fatal(
        { err: error },
        `${name} could not start: ${describeError(error)}. Check that PostgreSQL (DATABASE_URL=${redactUrlPassword(config.databaseUrl)}) ` +
          `and Kafka (KAFKA_BROKERS=${config.kafkaBrokers.join(',')}) are running and reachable.`,
      );
      await shutdown.run(1, 'startup failed');
    }
  }
}
