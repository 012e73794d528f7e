import {
  RETRY_DEFAULTS,
  createIdempotentProducer,
  runConsumer,
  type IdempotentProducer,
  type RunConsumerOptions,
} from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { ProvisionTenantSchemaOptions, TenantSchemaOrm } from '@tenantry/tenant-schema';
import type { Kafka as KafkaClient } from 'kafkajs';
import type { ProvisionerContext } from './context.ts';
import { routeEvents } from './event-router.ts';
import { provisionerSubscribers } from './handlers/index.ts';

/** SPEC §1: the provisioner's consumer group; dead letters go to `<tenant.events>.provisioner.dlq`. */
export const PROVISIONER_GROUP = 'provisioner';

export interface ProvisionerDeps {
  kafka: KafkaClient;
  orm: TenantSchemaOrm;
  logger: Logger;
  /** Existing topics (see ensureTopics): consumes tenantEvents, reports on tenantProvisioning. */
  topics: { tenantEvents: string; tenantProvisioning: string };
  /** Shared by reports and dead letters. If omitted the worker creates one and stop() disconnects it. */
  producer?: IdempotentProducer;
  /** Defaults to PROVISIONER_GROUP; tests pass a unique one. */
  groupId?: string;
  /** In-process retry of a failing message (default RETRY_DEFAULTS); the last try decides the failure report. */
  retry?: RunConsumerOptions['retry'];
  maxWaitTimeInMs?: number;
  /** Tenant migrations to apply (default: all); tests inject a failing one. */
  migrations?: ProvisionTenantSchemaOptions['migrations'];
  /** The consumer gave up for good (kafkajs will not restart it). */
  onFatal?: (error: Error) => void;
}

export interface ProvisionerWorker {
  /** Resolves once the consumer joined its group and fetches. */
  ready: Promise<void>;
  /** Finishes the in-flight message, leaves the group; disconnects the producer only if it made it. */
  stop(): Promise<void>;
}

/** Consumes tenant.events as the provisioner: schemas and roles per tenant, reports on tenant.provisioning. */
export function startProvisioner(deps: ProvisionerDeps): ProvisionerWorker {
  const { kafka, orm, logger, topics, migrations } = deps;
  const producer = deps.producer ?? createIdempotentProducer(kafka);
  const maxAttempts = deps.retry?.attempts ?? RETRY_DEFAULTS.attempts;

  const handle = routeEvents(
    provisionerSubscribers,
    logger,
    (message, log): ProvisionerContext => ({
      orm,
      producer,
      topics,
      migrations,
      log,
      attempt: message.attempt,
      lastAttempt: message.attempt >= maxAttempts,
    }),
  );
  const consumer = runConsumer({
    kafka,
    groupId: deps.groupId ?? PROVISIONER_GROUP,
    topics: [topics.tenantEvents],
    // A new group reads the whole history: every tenant ever created gets its schema.
    fromBeginning: true,
    handle,
    retry: deps.retry,
    logger,
    maxWaitTimeInMs: deps.maxWaitTimeInMs,
    deadLetterProducer: producer,
    onFatal: deps.onFatal,
  });

  let stopped: Promise<void> | undefined;
  return {
    ready: consumer.ready,
    stop: () =>
      (stopped ??= (async () => {
        await consumer.stop();
        if (!deps.producer) await producer.disconnect();
      })()),
  };
}
