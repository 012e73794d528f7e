import { runConsumer, type IdempotentProducer, type RunConsumerOptions } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { TenantSchemaOrm } from '@tenantry/tenant-schema';
import type { Kafka as KafkaClient } from 'kafkajs';
import type { DteSyncContext } from './context.ts';
import { routeEvents } from './event-router.ts';
import { dteSyncSubscribers } from './handlers/index.ts';

/** SPEC §1: dte-sync's consumer group; dead letters go to `<tenant.events>.dte-sync.dlq`. */
export const DTE_SYNC_GROUP = 'dte-sync';

export interface DteSyncDeps {
  kafka: KafkaClient;
  orm: TenantSchemaOrm;
  logger: Logger;
  /** Existing topics (see ensureTopics); only tenantEvents is consumed. */
  topics: { tenantEvents: string; tenantProvisioning: string };
  /** Producer for dead letters. If omitted the runner creates one and disconnects it in stop(). */
  producer?: IdempotentProducer;
  /** Defaults to DTE_SYNC_GROUP; tests pass a unique one. */
  groupId?: string;
  /** In-process retry of a failing message (default RETRY_DEFAULTS), then the dead-letter topic. */
  retry?: RunConsumerOptions['retry'];
  maxWaitTimeInMs?: number;
  /** The consumer gave up for good (kafkajs will not restart it). */
  onFatal?: (error: Error) => void;
}

export interface DteSyncWorker {
  /** Resolves once the consumer joined its group and fetches. */
  ready: Promise<void>;
  /** Finishes the in-flight message and leaves the group. */
  stop(): Promise<void>;
}

/** Consumes tenant.events as dte-sync: keeps each tenant schema's issuer info equal to the tenant's DTE fields. */
export function startDteSync(deps: DteSyncDeps): DteSyncWorker {
  const { kafka, orm, logger, topics } = deps;
  const handle = routeEvents(dteSyncSubscribers, logger, (_message, log): DteSyncContext => ({ orm, log }));
  const consumer = runConsumer({
    kafka,
    groupId: deps.groupId ?? DTE_SYNC_GROUP,
    topics: [topics.tenantEvents],
    // A new group reads the whole history; version checks make replaying it harmless.
    fromBeginning: true,
    handle,
    retry: deps.retry,
    logger,
    maxWaitTimeInMs: deps.maxWaitTimeInMs,
    deadLetterProducer: deps.producer,
    onFatal: deps.onFatal,
  });
  return { ready: consumer.ready, stop: () => consumer.stop() };
}
