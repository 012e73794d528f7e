export { createMetricsRegistry } from './registry.ts';
export { registerKafkaMetrics, stackConsumers } from './kafka-metrics.ts';
export type { KafkaMetrics, WatchedConsumer } from './kafka-metrics.ts';
export { registerDatabasePoolMetrics } from './database-pool-metrics.ts';
export { registerEventMetrics } from './event-metrics.ts';
export type { EventTimer } from './event-metrics.ts';
export { startMetricsServer } from './metrics-server.ts';
export type { MetricsServer, MetricsServerOptions, ReadinessChecks } from './metrics-server.ts';
