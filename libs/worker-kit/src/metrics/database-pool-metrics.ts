import type { PoolStats } from '@tenantry/tenant-databases';
import { Gauge, type Registry } from 'prom-client';

/** Connections in use and idle, and callers waiting, per database pool, read at scrape time. */
export function registerDatabasePoolMetrics(registry: Registry, read: () => Promise<PoolStats[]>): void {
  let last: Promise<PoolStats[]> | undefined;
  // Both gauges of one scrape read the pools once.
  const stats = () => (last ??= read().finally(() => setImmediate(() => (last = undefined))));
  new Gauge({
    name: 'tenantry_database_pool_connections',
    help: 'Connections of a database pool, by state (in_use, idle)',
    labelNames: ['database', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const pool of await stats()) {
        this.set({ database: pool.database, state: 'in_use' }, pool.inUse);
        this.set({ database: pool.database, state: 'idle' }, pool.idle);
      }
    },
  });
  new Gauge({
    name: 'tenantry_database_pool_waiting_clients',
    help: 'Callers waiting for a connection of a database pool (the pool is at its max)',
    labelNames: ['database'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const pool of await stats()) this.set({ database: pool.database }, pool.waiting);
    },
  });
}
