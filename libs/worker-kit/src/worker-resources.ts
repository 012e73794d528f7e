import type { Config } from '@tenantry/config';
import { ensureDatabase } from '@tenantry/control-db';
import { createIdempotentProducer, createKafkaClient, ensureTopics, tenantTopics, type IdempotentProducer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import { probePostgres } from '@tenantry/sql';
import { openTenantDatabases, type TenantDatabases } from '@tenantry/tenant-databases';
import type { Kafka as KafkaClient } from 'kafkajs';
import type { Shutdown } from './shutdown.ts';

/** What a worker process opens before its consumer starts; closed again by the shutdown. */
export interface WorkerResources {
  kafka: KafkaClient;
  /** The tenant databases (`main` = DATABASE_URL), each opened on first use. */
  databases: TenantDatabases;
  /** Connected. Disconnected after the consumer stopped (it may still publish while finishing). */
  producer: IdempotentProducer;
}

/**
 * Opens the tenant databases directory (pools per database, opened on first use), the Kafka client and a connected producer, and creates the database
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
  // Fail now, with the real reason, if the control database does not answer. Not through the
  // directory: its registry table appears only once tenant-api has migrated the control schema.
  await probePostgres(config.databaseUrl, { connectTimeoutMs: 10_000 });
  const databases = openTenantDatabases({ controlDatabaseUrl: config.databaseUrl, controlSchema: config.controlSchema, logger, ...(poolMax ? { poolMax } : {}) });
  shutdown.add('closing the database pools', () => databases.close());
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-${name}`, logger });
  await ensureTopics(kafka, tenantTopics(config.topics));
  const producer = createIdempotentProducer(kafka);
  shutdown.add('disconnecting the producer', () => producer.disconnect());
  await producer.connect();
  return { kafka, databases, producer };
}
