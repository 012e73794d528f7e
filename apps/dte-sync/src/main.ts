import { runWorkerProcess } from '@tenantry/worker-kit';
import { startDteSync } from './worker.ts';

// Wiring only: config, signals, shutdown, fatal exits and the metrics port are runWorkerProcess's (see the README).
await runWorkerProcess({
  name: 'dte-sync',
  metricsPort: (config) => config.dteSyncMetricsPort,
  start: ({ config, ...resources }) => ({
    ...startDteSync({ ...resources, topics: config.topics, groupId: config.groups.dteSync }),
    group: config.groups.dteSync,
  }),
});
