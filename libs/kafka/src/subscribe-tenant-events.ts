import type { Logger } from '@tenantry/logger';
import { createEventDispatcher, type EventHandlers, type EventType, type SubjectKeyLookup, type TenantEvent } from '@tenantry/tenant-events';
import type { IHeaders, Kafka as KafkaClient } from 'kafkajs';
import { activeTraceId, traceIdOf } from '@tenantry/telemetry';
import { createKafkaClient } from './client.ts';
import { runConsumer, type ConsumedMessage, type RunConsumerOptions } from './consumer/index.ts';

/** Where the event came from and a logger that already carries its ids and `traceparent`. */
export interface TenantEventContext {
  /** Child logger with topic, partition, offset, event id/type, tenant id, tenantversion, traceparent, trace_id. */
  log: Logger;
  topic: string;
  partition: number;
  offset: string;
  /** 1 on the first try, +1 per retry of this message. */
  attempt: number;
  headers: IHeaders;
}

/** One optional handler per event type; throw to retry (an error with `retriable: false` dead-letters at once). */
export type TenantEventHandlers = {
  [K in EventType]?: (event: TenantEvent<K>, context: TenantEventContext) => Promise<void> | void;
};

export interface SubscribeToTenantEventsOptions {
  /** An existing kafkajs client, or `brokers` to let the helper create one. */
  kafka?: KafkaClient;
  brokers?: string[];
  /** The consumer group: one per service. Its dead letters go to `<topic>.<groupId>.dlq`. */
  groupId: string;
  /** Default `tenant.events`; pass `config.topics.tenantEvents` when a KAFKA_TOPIC_PREFIX is set. */
  topic?: string;
  handlers: TenantEventHandlers;
  /**
   * Contract v2: reads a subject's data key (`tenant:<id>`, `user:<id>`), so each handler gets the
   * event with its sealed personal fields opened (null once the key is destroyed: an erased
   * subject). Without it handlers see the sealed values as they travel.
   */
  subjectKeys?: SubjectKeyLookup;
  /** A well-formed CloudEvent of a type this contract version does not know; default: logged and skipped. */
  onUnknown?: (type: string, raw: Record<string, unknown>, context: TenantEventContext) => Promise<void> | void;
  /** Retry policy before a message is dead-lettered; defaults: 5 attempts, 300 ms doubling, ±20 % jitter. */
  retry?: RunConsumerOptions['retry'];
  logger: Logger;
  /** Where a new group starts: `earliest` (default; tenant.events keeps the full history) or `latest`. */
  startFrom?: 'earliest' | 'latest';
  /** Events handled at once (different tenants; a tenant's events always stay in order). Default 1. */
  concurrency?: number;
  /** @deprecated The old name of `concurrency`. */
  partitionsConsumedConcurrently?: number;
  /** Called when the consumer cannot go on (kafkajs gave up); e.g. exit so the supervisor restarts it. */
  onFatal?: (error: Error) => void;
}

export interface TenantEventSubscription {
  /** Resolves once the group is joined and fetching; rejects if it could not start. */
  ready: Promise<void>;
  /** Lets the in-flight event finish and commit, leaves the group. Safe to call twice. */
  stop(): Promise<void>;
}

function logFields(raw: Record<string, unknown>) {
  const traceparent = typeof raw.traceparent === 'string' ? raw.traceparent : undefined;
  return {
    eventId: raw.id,
    eventType: raw.type,
    tenantId: raw.subject,
    tenantversion: raw.tenantversion,
    ...(traceparent ? { traceparent, trace_id: activeTraceId() ?? traceIdOf(traceparent) } : {}),
  };
}

/**
 * Subscribes a service to Tenantry events without it knowing Kafka details: each message is
 * validated against the v1 contract and handed to the handler of its type, typed. Built on
 * runConsumer, so a tenant's events arrive in order (key = tenant id), failures are retried with
 * backoff, a message that keeps failing (or breaks the contract) goes to `<topic>.<groupId>.dlq`
 * and the partition goes on. Unknown types and known types without a handler are skipped.
 * Offsets are committed after the handler returns: at least once, so handlers must be idempotent
 * (compare `event.tenantversion` with what you stored).
 */
export function subscribeToTenantEvents(options: SubscribeToTenantEventsOptions): TenantEventSubscription {
  const { groupId, handlers, logger } = options;
  if (!options.kafka && !options.brokers?.length) {
    throw new TypeError('subscribeToTenantEvents needs `kafka` (a kafkajs client) or `brokers` (e.g. ["127.0.0.1:9092"])');
  }
  const kafka = options.kafka ?? createKafkaClient({ brokers: options.brokers!, clientId: groupId, logger });
  const topic = options.topic ?? 'tenant.events';
  const log = logger.child({ component: 'tenant-events-subscriber', groupId, topic });

  const contextOf = (message: ConsumedMessage, raw: Record<string, unknown>): TenantEventContext => ({
    log: log.child({ partition: message.partition, offset: message.offset }).child(logFields(raw)),
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    attempt: message.attempt,
    headers: message.headers,
  });
  // Each handler gets its message's context; the one dispatcher parses, opens sealed fields, routes.
  const bound = Object.fromEntries(
    Object.entries(handlers)
      .filter(([, handler]) => handler)
      .map(([type, handler]) => [
        type,
        (event: TenantEvent, message: ConsumedMessage) =>
          (handler as (e: TenantEvent, c: TenantEventContext) => unknown)(event, contextOf(message, event as unknown as Record<string, unknown>)),
      ]),
  ) as EventHandlers<ConsumedMessage>;
  const handle = createEventDispatcher(bound, {
    subjectKeys: options.subjectKeys,
    onUnknown: (type, raw, message) => {
      const context = contextOf(message, raw);
      if (options.onUnknown) return options.onUnknown(type, raw, context);
      context.log.info('skipping event of unknown type (newer producer?)');
    },
    onUnhandled: (event, message) => contextOf(message, event as unknown as Record<string, unknown>).log.debug('no handler for this event type'),
  });

  const consumer = runConsumer({
    kafka,
    groupId,
    topics: [topic],
    fromBeginning: (options.startFrom ?? 'earliest') === 'earliest',
    handle,
    retry: options.retry,
    logger,
    concurrency: options.concurrency ?? options.partitionsConsumedConcurrently,
    onFatal: options.onFatal,
  });
  return { ready: consumer.ready, stop: consumer.stop };
}
