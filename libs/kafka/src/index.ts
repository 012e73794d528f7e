export { createKafkaClient, pinoLogCreator } from './client.ts';
export type { CreateKafkaClientOptions } from './client.ts';
export { createIdempotentProducer } from './producer.ts';
export type { IdempotentProducer } from './producer.ts';
export { ensureTopics, tenantTopics, TENANT_EVENTS_PARTITIONS } from './topics.ts';
export type { TopicSpec } from './topics.ts';
export { createRetry, backoffDelay, abortableSleep } from './retry.ts';
export type { RetryOptions } from './retry.ts';
export { RETRY_DEFAULTS } from './retry-defaults.ts';
export { runConsumer } from './consumer/index.ts';
export { messageTraceContext } from './message-trace.ts';
export type { ConsumedMessage, RunConsumerOptions, RunningConsumer } from './consumer/index.ts';
export {
  deadLetterTopicFor,
  redriveGroupFor,
  DLQ_HEADERS,
  buildDeadLetter,
  readDeadLetterInfo,
  stripDeadLetterHeaders,
  createDeadLetterPublisher,
} from './dead-letter.ts';
export type { DeadLetterSource, DeadLetterInfo, DeadLetterPublisher } from './dead-letter.ts';
export {
  KafkaPlumbingError,
  RetriableError,
  NonRetriableError,
  RetriesExhaustedError,
  RetryAbortedError,
  isRetriable,
  describeError,
} from './errors.ts';
export type { KafkaErrorContext } from './errors.ts';
export { subscribeToTenantEvents } from './subscribe-tenant-events.ts';
export type {
  SubscribeToTenantEventsOptions,
  TenantEventSubscription,
  TenantEventHandlers,
  TenantEventContext,
} from './subscribe-tenant-events.ts';
export * from './admin/index.ts';
