import fp from 'fastify-plugin';
import { createMetricsRegistry } from '@tenantry/worker-kit';
import type { Counter, Registry } from 'prom-client';
import { registerHttpMetrics } from './http-metrics.ts';
import { registerEventMetrics } from './event-metrics.ts';
import { registerDatabaseGauges } from './database-gauges.ts';
import { registerUsageGauges } from './usage-gauges.ts';

export { USAGE_METRIC_TENANTS } from './usage-gauges.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      registry: Registry;
      provisioningOutcomes: Counter<'outcome'>;
      /** The outbox relay published a batch of `count` events (acknowledged by Kafka, marked published). */
      relayPublished(count: number): void;
    };
  }
}

/**
 * Prometheus metrics at GET /metrics: request latency by route pattern (never the raw URL) and
 * status; provisioning outcomes; the outbox (backlog, oldest age, relay publish rate and batch
 * sizes); tenants per status and the oldest pending one; database pools; the top tenants' database
 * work; Node's default process metrics. Consumer lag is registered by server.ts (it owns the Kafka client).
 */
export default fp(
  async (app) => {
    const registry = createMetricsRegistry();
    // In this order, the order /metrics has always listed them in.
    registerHttpMetrics(app, registry);
    const events = registerEventMetrics(registry);
    registerDatabaseGauges(app, registry);
    registerUsageGauges(app, registry);
    app.decorate('metrics', { registry, ...events });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  },
  { name: 'tenantry-metrics', dependencies: ['tenantry-control-db', 'tenantry-tenant-databases'] },
);
