import { runConsumer, type ConsumedMessage, type IdempotentProducer, type RunConsumerOptions, type RunningConsumer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { SubjectKeyLookup } from '@tenantry/tenant-events';
import type { IHeaders, Kafka as KafkaClient, KafkaMessage } from 'kafkajs';
import { routeEvents } from './event-router.ts';
import type { OutageHold } from './hold-through-outages.ts';
import type { EventTimer } from './metrics/index.ts';
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
  /** Holds a delivery through a database outage, parking its message (holdThroughOutages); none when omitted. */
  outages?: OutageHold;
  /** The consumer gave up for good (kafkajs will not restart it). */
  onFatal?: (error: Error) => void;
  /** Observes each handled event's duration (the process's metrics); none when omitted. */
  eventTimer?: EventTimer;
}

function header(headers: IHeaders | undefined, name: string): string | null {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? null : first.toString();
}

/**
 * The tenant and event of a record without parsing it (key = tenant id, ce_id / ce_type headers):
 * the runner's own lines about a message (retries, dead letters) name them like the handler's do.
 */
export function tenantEventLogFields(message: KafkaMessage): Record<string, unknown> {
  return { tenant_id: message.key?.toString() ?? null, event_id: header(message.headers, 'ce_id'), event_type: header(message.headers, 'ce_type') };
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
    handle: routeEvents(subscribers, logger, contextFor, { timer: deps.eventTimer, subjectKeys: deps.subjectKeys, outages: deps.outages }),
    retry: deps.retry,
    logger,
    maxWaitTimeInMs: deps.maxWaitTimeInMs,
    concurrency: deps.concurrency,
    deadLetterProducer: deps.producer,
    onFatal: deps.onFatal,
    logFields: tenantEventLogFields,
  });
}
