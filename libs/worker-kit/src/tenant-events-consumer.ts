import { runConsumer, type ConsumedMessage, type IdempotentProducer, type RunConsumerOptions, type RunningConsumer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { SubjectKeyLookup } from '@tenantry/tenant-events';
import type { Kafka as KafkaClient } from 'kafkajs';
import { routeEvents } from './event-router.ts';
import type { Subscriber } from './subscriber.ts';

/** What every tenant-events worker is started with; a worker adds its own (the ORM...). */
export interface TenantEventWorkerDeps {
  kafka: KafkaClient;
  logger: Logger;
  /** Existing topics (see ensureTopics); tenantEvents is consumed. */
  topics: { tenantEvents: string; tenantProvisioning: string };
  /** `config.groups.<worker>` (tests pass a unique one); dead letters go to `<tenantEvents>.<groupId>.dlq`. */
  groupId: string;
  /** Producer for dead letters. If omitted the runner creates one and disconnects it in stop(). */
  producer?: IdempotentProducer;
  /** In-process retry of a failing message (default RETRY_DEFAULTS), then the dead-letter topic. */
  retry?: RunConsumerOptions['retry'];
  maxWaitTimeInMs?: number;
  /** Events handled at once, different tenants in parallel, each tenant's in order (default 1). */
  concurrency?: number;
  /** Reads subject keys to open sealed personal fields (contract v2) before a subscriber sees the event. */
  subjectKeys?: SubjectKeyLookup;
  /** The consumer gave up for good (kafkajs will not restart it). */
  onFatal?: (error: Error) => void;
}

/**
 * Consumes `topics.tenantEvents` as `groupId`: each event goes to the subscriber of its type with
 * the context `contextFor` builds (see routeEvents).
 */
export function consumeTenantEvents<C>(
  deps: TenantEventWorkerDeps,
  subscribers: readonly Subscriber<C>[],
  contextFor: (message: ConsumedMessage, log: Logger) => C,
): RunningConsumer {
  const { kafka, logger } = deps;
  return runConsumer({
    kafka,
    groupId: deps.groupId,
    topics: [deps.topics.tenantEvents],
    // A new group reads the whole history (tenant.events keeps it): a new worker catches up on every
    // tenant, and handlers are idempotent so a replay is harmless.
    fromBeginning: true,
    handle: routeEvents(subscribers, logger, contextFor, deps.subjectKeys),
    retry: deps.retry,
    logger,
    maxWaitTimeInMs: deps.maxWaitTimeInMs,
    concurrency: deps.concurrency,
    deadLetterProducer: deps.producer,
    onFatal: deps.onFatal,
  });
}
