import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { readTopTenants, type TopTenant } from '../../usage/index.ts';

/** Tenants in the per-tenant usage gauges: the top N by execution time. */
export const USAGE_METRIC_TENANTS = 10;
// Reading usage asks every tenant database: scrapes within this window reuse the last answer.
const USAGE_CACHE_MS = 30_000;

/** The top tenants' database work (pg_stat_statements on every tenant database), cached between scrapes. */
export function registerUsageGauges(app: FastifyInstance, registry: Registry): void {
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
}
