import fp from 'fastify-plugin';
import { outboxStatus, readTenantStatusCounts, type SqlClient } from '@tenantry/control-db';
import { ormPoolStats } from '@tenantry/tenant-databases';
import { createMetricsRegistry, registerDatabasePoolMetrics } from '@tenantry/worker-kit';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { readTopTenants, type TopTenant } from '../usage/index.ts';

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

/** Tenants in the per-tenant usage gauges: the top N by execution time. */
export const USAGE_METRIC_TENANTS = 10;
// Reading usage asks every tenant database; scrapes within this window reuse the last answer.
const USAGE_CACHE_MS = 30_000;

/**
 * Prometheus metrics at GET /metrics: request latency by route pattern (never the raw URL) and
 * status; provisioning outcomes; the outbox (backlog, oldest age, relay publish rate and batch
 * sizes); tenants per status and the oldest pending one; database pools; the top tenants' database
 * work; Node's default process metrics. Consumer lag is registered by server.ts (it owns the Kafka client).
 */
export default fp(
  async (app) => {
    const registry = createMetricsRegistry();
    const latency = new Histogram({
      name: 'tenantry_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
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
    const published = new Counter({
      name: 'tenantry_outbox_published_events_total',
      help: 'Outbox events this process published to Kafka (acknowledged, then marked published)',
      registers: [registry],
    });
    const batchSize = new Histogram({
      name: 'tenantry_outbox_publish_batch_size_events',
      help: 'Events per batch the outbox relay published',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers: [registry],
    });

    const outbox = async () => outboxStatus((await app.orm.em.getConnection().getNativeClient()) as unknown as SqlClient, app.orm.config.get('schema')!);
    new Gauge({
      name: 'tenantry_outbox_pending_events',
      help: 'Events not yet published to Kafka',
      registers: [registry],
      async collect() {
        this.set((await outbox()).pending);
      },
    });
    new Gauge({
      name: 'tenantry_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished event (0 when none)',
      registers: [registry],
      async collect() {
        this.set((await outbox()).oldestPendingAgeSeconds ?? 0);
      },
    });

    new Gauge({
      name: 'tenantry_tenants',
      help: 'Tenants per status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [status, count] of Object.entries((await readTenantStatusCounts(app.orm)).byStatus)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'tenantry_tenant_pending_setup_oldest_age_seconds',
      help: 'Seconds since the longest-waiting pending_setup tenant last changed (0 when none waits)',
      registers: [registry],
      async collect() {
        this.set((await readTenantStatusCounts(app.orm)).oldestPendingSetupAgeSeconds ?? 0);
      },
    });

    registerDatabasePoolMetrics(registry, async () => [await ormPoolStats('control', app.orm), ...(await app.tenantDatabases.poolStats())]);

    let usage: { at: number; tenants: Promise<TopTenant[]> } | undefined;
    const topTenants = () => {
      if (!usage || Date.now() - usage.at > USAGE_CACHE_MS) {
        const tenants = readTopTenants(app.orm, app.tenantDatabases, { order: 'exec_time', limit: USAGE_METRIC_TENANTS }).then((top) => top.tenants);
        tenants.catch(() => (usage = undefined));
        usage = { at: Date.now(), tenants };
      }
      return usage.tenants;
    };
    const usageGauge = (name: string, help: string, value: (tenant: TopTenant) => number) =>
      new Gauge({
        name,
        help: `${help}; the top ${USAGE_METRIC_TENANTS} tenants by execution time, from pg_stat_statements (cumulative since the server's statistics were reset)`,
        labelNames: ['tenant_id'],
        registers: [registry],
        async collect() {
          this.reset();
          // Usage asks every tenant database: a failure leaves these gauges empty, not the scrape failed.
          const tenants = await topTenants().catch((error: unknown) => {
            app.log.warn({ err: error }, 'tenant usage could not be read for this scrape');
            return [];
          });
          for (const tenant of tenants) this.set({ tenant_id: tenant.tenantId }, value(tenant));
        },
      });
    usageGauge('tenantry_tenant_statement_exec_time_seconds', "Execution time of statements run as the tenant's role", (t) => t.totalExecTimeMs / 1000);
    usageGauge('tenantry_tenant_statement_calls', "Statements run as the tenant's role", (t) => t.calls);
    usageGauge('tenantry_tenant_statement_rows', "Rows returned or affected by statements run as the tenant's role", (t) => t.rows);

    app.decorate('metrics', {
      registry,
      provisioningOutcomes,
      relayPublished: (count: number) => {
        published.inc(count);
        batchSize.observe(count);
      },
    });
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern (`/v1/tenants/:id`), never the URL: ids would make a series per tenant.
      const route = request.routeOptions.url ?? 'unmatched';
      latency.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  },
  { name: 'tenantry-metrics', dependencies: ['tenantry-control-db', 'tenantry-tenant-databases'] },
);
