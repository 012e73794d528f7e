import { Registry, collectDefaultMetrics } from 'prom-client';

// prom-client's gauges of active handles, requests and resources end in `_total`, which
// Prometheus reserves for counters (`promtool check metrics` refuses them); the per-type gauges
// without the suffix (`nodejs_active_handles` ...) stay.
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** A process's registry: Node's default process metrics (`process_*`, `nodejs_*`) plus ours (`tenantry_*`). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  return registry;
}
