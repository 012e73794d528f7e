import type { FastifyInstance } from 'fastify';
import { outboxStatus, readTenantStatusCounts, type SqlClient } from '@tenantry/control-db';
import { ormPoolStats } from '@tenantry/tenant-databases';
import { registerDatabasePoolMetrics } from '@tenantry/worker-kit';
import { Gauge, type Registry } from 'prom-client';

/** Gauges read from the control database at each scrape: the outbox backlog, tenants per status, the pools. */
export function registerDatabaseGauges(app: FastifyInstance, registry: Registry): void {
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
}
