import { Gauge, Histogram, type Registry } from 'prom-client';
import type { SparePools } from './spare-pools.ts';

/** The provisioner's own metrics; startProvisioner feeds them. */
export interface ProvisioningMetrics {
  /** One provisioning that succeeded: `claim` when a spare schema was renamed, `build` when it was built here. */
  observe(path: 'claim' | 'build', seconds: number): void;
  /** The spare pools whose sizes are read at scrape time. */
  watchSpares(spares: SparePools): void;
}

export function registerProvisioningMetrics(registry: Registry): ProvisioningMetrics {
  const duration = new Histogram({
    name: 'tenantry_provisioning_duration_seconds',
    help: "Time of one tenant's schema transaction, by path: claim (a spare schema renamed) or build (built from scratch)",
    labelNames: ['path'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  let watched: SparePools | undefined;
  new Gauge({
    name: 'tenantry_spare_schemas',
    help: 'Spare tenant schemas built ahead and ready to be claimed, per tenant database',
    labelNames: ['database'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { database, count } of (await watched?.sizes()) ?? []) this.set({ database }, count);
    },
  });
  return {
    observe: (path, seconds) => duration.observe({ path }, seconds),
    watchSpares: (spares) => void (watched = spares),
  };
}
