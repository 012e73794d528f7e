import type { Config } from '@tenantry/config';
import { ensureDatabase } from '@tenantry/control-db';
import { createIdempotentProducer, createKafkaClient, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import { createTenantSchemaOrm, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import type { Kafka as KafkaClient } from 'kafkajs';
import type { Shutdown } from './shutdown.ts';

/** What a worker process opens before its consumer starts; closed again by the shutdown. */
export interface WorkerResources {
  kafka: KafkaClient;
  orm: TenantSchemaOrm;
  /** Connected. Disconnected after the consumer stopped (it may still publish while finishing). */
  producer: IdempotentProducer;
}

/**
 * Opens the database pool, the Kafka client and a connected producer, and creates the database
 * and the two topics if missing. Each resource is registered with `shutdown` as soon as it exists,
 * so a failure halfway still closes what was opened.
 */
export async function openWorkerResources(
  name: string,
  config: Config,
  logger: Logger,
  shutdown: Shutdown,
  { poolMax }: { poolMax?: number } = {},
): Promise<WorkerResources> {
  await ensureDatabase(config.databaseUrl); // SPEC §6: created if missing, whichever service starts first
  const orm = await createTenantSchemaOrm({ databaseUrl: config.databaseUrl, logger, ...(poolMax ? { poolMax } : {}) });
  shutdown.add('closing the database pool', () => orm.close());
  await orm.em.fork().execute('select 1'); // the pool connects lazily: fail now, with the real reason
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-${name}`, logger });
  await ensureTopics(kafka, tenantTopics(config.topics));
  const producer = createIdempotentProducer(kafka);
  shutdown.add('disconnecting the producer', () => producer.disconnect());
  await producer.connect();
  return { kafka, orm, producer };
}
