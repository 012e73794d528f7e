import { Counter, Histogram, type Registry } from 'prom-client';

/** The counters other parts of the app report to: provisioning outcomes and the outbox relay's batches. */
export function registerEventMetrics(registry: Registry) {
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
  return {
    provisioningOutcomes,
    relayPublished: (count: number) => {
      published.inc(count);
      batchSize.observe(count);
    },
  };
}
