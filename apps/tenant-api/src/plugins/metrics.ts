import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry; provisioningOutcomes: Counter<'outcome'> };
  }
}

/**
 * Prometheus metrics at GET /metrics: request latency by route and status, the outbox backlog and
 * its oldest age (read at scrape time), provisioning outcomes, and Node's default process metrics.
 */
export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const latency = new Histogram({
      name: 'tenantry_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    const provisioningOutcomes = new Counter({
      name: 'tenantry_provisioning_outcomes_total',
      help: 'Provisioning reports applied to tenants, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const backlog = new Gauge({ name: 'tenantry_outbox_pending_events', help: 'Events not yet published to Kafka', registers: [registry] });
    const oldest = new Gauge({
      name: 'tenantry_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished event (0 when none)',
      registers: [registry],
    });

    app.decorate('metrics', { registry, provisioningOutcomes });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      latency.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const [row] = await app.orm.em
        .fork()
        .execute<{ pending: string; age: number | null }[]>(
          `select count(*)::text as pending, extract(epoch from now() - min(created_at))::float8 as age
             from tenant_events where published_at is null`,
        );
      backlog.set(Number(row.pending));
      oldest.set(row.age ?? 0);
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'tenantry-metrics', dependencies: ['tenantry-control-db'] },
);
