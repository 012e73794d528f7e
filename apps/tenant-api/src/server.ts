import type { FastifyInstance } from 'fastify';
import type { Config } from '@tenantry/config';
import { createControlOrm, ensureSuperuser, migrateControlSchema, type ControlOrm } from '@tenantry/control-db';
import { createKafkaClient, ensureTopics, tenantTopics, type RunningConsumer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import { hashPassword } from '@tenantry/auth';
import { startOutboxRelay, type OutboxRelay } from '@tenantry/outbox-relay';
import { registerKafkaMetrics, stackConsumers } from '@tenantry/worker-kit';
import { buildApp } from './app.ts';
import { consumeProvisioningResults } from './consumers/provisioning-results.ts';

export interface RunningTenantApi {
  app: FastifyInstance;
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts everything tenant-api runs: control migrations, bootstrap superuser, HTTP server, the
 * outbox relay and the provisioning-results consumer. Kafka being down does not stop the API:
 * writes keep landing in the outbox and the relay catches up later.
 */
export async function startTenantApi(config: Config, logger: Logger): Promise<RunningTenantApi> {
  if (config.jwtIsDevelopmentSecret) {
    logger.warn('JWT_SECRET is not set: using the built-in development secret. Never do this in production.');
  }
  const orm: ControlOrm = await createControlOrm({ databaseUrl: config.databaseUrl, controlSchema: config.controlSchema, logger });
  const applied = await migrateControlSchema(orm, config.controlSchema);
  if (applied.length) logger.info({ migrations: applied }, 'control schema migrated');
  if (config.bootstrapSuperuser) {
    const { created } = await ensureSuperuser(orm, config.bootstrapSuperuser.email, await hashPassword(config.bootstrapSuperuser.password));
    if (created) logger.info({ email: config.bootstrapSuperuser.email }, 'bootstrap superuser created');
  }

  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-tenant-api`, logger });
  const admin = kafka.admin();
  const kafkaReady = async () => {
    await admin.connect();
    await admin.describeCluster();
  };

  let results: RunningConsumer | undefined;
  const startKafkaSide = async () => {
    // Topics must exist before the consumer subscribes; retry until the broker answers.
    for (let attempt = 1; !stopping; attempt++) {
      try {
        await ensureTopics(kafka, tenantTopics(config.topics));
        break;
      } catch (error) {
        logger.warn({ err: error, attempt }, 'Kafka not reachable yet; the API keeps accepting writes into the outbox');
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 5000)));
      }
    }
    if (stopping) return;
    results = consumeProvisioningResults({
      kafka,
      orm,
      topic: config.topics.tenantProvisioning,
      groupId: config.groups.tenantApi,
      logger: logger.child({ component: 'provisioning-results' }),
      onOutcome: (outcome) => app.metrics.provisioningOutcomes.inc({ outcome }),
    });
  };
  let stopping = false;
  const app = await buildApp({ config, orm, logger, readiness: { kafka: kafkaReady } });
  // Lag of every consumer group of the stack, so one whose consumers are all down still shows.
  const kafkaMetrics = registerKafkaMetrics(app.metrics.registry, kafka, stackConsumers(config), logger);
  const relay: OutboxRelay = startOutboxRelay({
    databaseUrl: config.databaseUrl,
    controlSchema: config.controlSchema,
    kafka,
    topic: config.topics.tenantEvents,
    logger,
    onPublished: (count) => app.metrics.relayPublished(count),
  });
  const kafkaSide = startKafkaSide();

  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address }, 'tenant-api listening');

  return {
    app,
    address,
    async stop() {
      stopping = true;
      await app.close();
      await kafkaSide;
      await results?.stop();
      await relay.stop();
      await kafkaMetrics.close();
      await admin.disconnect().catch(() => undefined);
      await orm.close(true);
    },
  };
}

