import { loadConfig, type Config } from '@tenantry/config';
import { ensureDatabase } from '@tenantry/control-db';
import { createIdempotentProducer, createKafkaClient, describeError, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import { createLogger } from '@tenantry/logger';
import { createTenantSchemaOrm, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { PROVISIONER_GROUP, startProvisioner, type ProvisionerWorker } from './worker.ts';

const NAME = 'provisioner';
// A shutdown step that hangs (e.g. a pool holding a connection the server killed) must not keep
// the process alive forever.
const STEP_TIMEOUT_MS = 15_000;

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  createLogger({ name: NAME }).fatal({ err: error }, `${NAME} could not start: ${describeError(error)}`);
  process.exit(1);
}
const logger = createLogger({ name: NAME, level: config.logLevel });
const open: { worker?: ProvisionerWorker; producer?: IdempotentProducer; orm?: TenantSchemaOrm } = {};
let shuttingDown = false;

async function step(what: string, work: () => Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  try {
    await Promise.race([work(), timeout]);
  } catch (error) {
    logger.warn({ err: error }, `${what} failed during shutdown`);
  } finally {
    clearTimeout(timer);
  }
}

/** Consumer first (it finishes the in-flight message, which may still publish), then producer, then pool. */
async function shutdown(code: number, reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ reason }, `${NAME} shutting down`);
  await step('stopping the consumer', () => open.worker?.stop());
  await step('disconnecting the producer', () => open.producer?.disconnect());
  await step('closing the database pool', () => open.orm?.close());
  logger.info(`${NAME} stopped`);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    void shutdown(0, signal);
  });
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

try {
  await ensureDatabase(config.databaseUrl); // SPEC §6: created if missing, whichever service starts first
  const orm = (open.orm = await createTenantSchemaOrm({ databaseUrl: config.databaseUrl, logger }));
  await orm.em.fork().execute('select 1'); // the pool connects lazily: fail now, with the real reason
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-${NAME}`, logger });
  await ensureTopics(kafka, tenantTopics(config.topics));
  const producer = (open.producer = createIdempotentProducer(kafka));
  await producer.connect();
  open.worker = startProvisioner({
    kafka,
    orm,
    logger,
    topics: config.topics,
    producer,
    onFatal: (error) => {
      logger.fatal({ err: error }, 'Kafka consumer stopped for good; exiting so a supervisor can restart the process');
      void shutdown(1, 'consumer crash');
    },
  });
  await open.worker.ready;
  logger.info({ topic: config.topics.tenantEvents, group: PROVISIONER_GROUP, reports: config.topics.tenantProvisioning }, `${NAME} ready`);
} catch (error) {
  if (!shuttingDown) {
    logger.fatal(
      { err: error },
      `${NAME} could not start: ${describeError(error)}. Check that PostgreSQL (DATABASE_URL=${withoutPassword(config.databaseUrl)}) ` +
        `and Kafka (KAFKA_BROKERS=${config.kafkaBrokers.join(',')}) are running and reachable.`,
    );
    await shutdown(1, 'startup failed');
  }
}
