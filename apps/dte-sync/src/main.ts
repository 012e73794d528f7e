import { telemetry } from './tracing.ts';
import { runWorkerProcess } from '@tenantry/worker-kit';
import { startDteSync } from './worker.ts';

// Wiring only: config, signals, shutdown, fatal exits and the metrics port are runWorkerProcess's (see the README).
await runWorkerProcess({
  name: 'dte-sync',
  metricsPort: (config) => config.dteSyncMetricsPort,
  start: ({ config, ...resources }) => {
    const worker = startDteSync({ ...resources, topics: config.topics, groupId: config.groups.dteSync });
    const stop = async () => {
      await worker.stop();
      await telemetry.shutdown(); // exports the spans still buffered
    };
    return { ...worker, stop, group: config.groups.dteSync };
  },
});
