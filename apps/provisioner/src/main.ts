import { runWorkerProcess } from '@tenantry/worker-kit';
import { startProvisioner } from './worker.ts';

// Wiring only: config, signals, shutdown and fatal exits are runWorkerProcess's (see the README).
await runWorkerProcess({
  name: 'provisioner',
  // One connection per tenant in flight, one spare (the default pool of 5 covers concurrency 4).
  databasePoolSize: (config) => Math.max(5, config.provisionerConcurrency + 1),
  start: ({ config, ...resources }) => {
    const group = config.groups.provisioner;
    const concurrency = config.provisionerConcurrency;
    const worker = startProvisioner({ ...resources, topics: config.topics, groupId: group, concurrency });
    return { ...worker, group, readyLog: { reports: config.topics.tenantProvisioning, concurrency } };
  },
});
