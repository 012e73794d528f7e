import { telemetry } from './tracing.ts';
import { runWorkerProcess } from '@tenantry/worker-kit';
import { registerProvisioningMetrics } from './metrics.ts';
import { startTenantMoves } from './tenant-moves.ts';
import { startProvisioner } from './worker.ts';

// Wiring only: config, signals, shutdown, fatal exits and the metrics port are runWorkerProcess's (see the README).
await runWorkerProcess({
  name: 'provisioner',
  metricsPort: (config) => config.provisionerMetricsPort,
  // One connection per tenant in flight, one for the spare-schema pool, one more (the default
  // pool of 5 covers concurrency 4 without spares).
  databasePoolSize: (config) => Math.max(5, config.provisionerConcurrency + 1 + (config.provisionerSpareSchemas > 0 ? 1 : 0)),
  start: async ({ config, ...resources }) => {
    const group = config.groups.provisioner;
    const concurrency = config.provisionerConcurrency;
    const spareSchemas = config.provisionerSpareSchemas;
    const worker = startProvisioner({
      ...resources,
      topics: config.topics,
      groupId: group,
      concurrency,
      spareSchemas,
      roleLimits: config.tenantRoleLimits,
      provisioningMetrics: registerProvisioningMetrics(resources.metrics),
    });
    const moves = await startTenantMoves(config, resources.databases, resources.logger);
    const stop = async () => {
      await moves.stop(); // a move in progress stays open and is resumed by the next runner
      await worker.stop();
      await telemetry.shutdown(); // exports the spans still buffered
    };
    return { ...worker, stop, group, readyLog: { reports: config.topics.tenantProvisioning, concurrency, spare_schemas: spareSchemas } };
  },
});
