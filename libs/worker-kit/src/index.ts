export { defineSubscriber } from './subscriber.ts';
export type { Subscriber } from './subscriber.ts';
export { routeEvents } from './event-router.ts';
export type { RouteEventsOptions } from './event-router.ts';
export { consumeTenantEvents } from './tenant-events-consumer.ts';
export type { TenantEventWorkerDeps } from './tenant-events-consumer.ts';
export { isDatabaseUnreachable, waitOutDatabaseOutages, TenantDatabaseUnreachableError } from './database-outage.ts';
export { currentTenantDatabase, onTenantDatabase } from './tenant-database.ts';
export type { WaitOutDatabaseOutagesOptions } from './database-outage.ts';
export { holdThroughOutages } from './hold-through-outages.ts';
export type { HoldThroughOutagesOptions, HeldDelivery, OutageHold } from './hold-through-outages.ts';
export { runWorkerProcess } from './worker-process.ts';
export type { StartedWorker, WorkerProcessOptions, WorkerProcessRuntime, WorkerStartContext } from './worker-process.ts';
export type { WorkerResources } from './worker-resources.ts';
export {
  createMetricsRegistry,
  registerKafkaMetrics,
  registerDatabasePoolMetrics,
  registerEventMetrics,
  startMetricsServer,
  stackConsumers,
} from './metrics/index.ts';
export type { EventTimer, KafkaMetrics, MetricsServer, MetricsServerOptions, ReadinessChecks, WatchedConsumer } from './metrics/index.ts';
