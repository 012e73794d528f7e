import { runWorkerProcess } from '@tenantry/worker-kit';
import { startProvisioner } from './worker.ts';

// Wiring only: config, signals, shutdown and fatal exits are runWorkerProcess's (see the README).
await runWorkerProcess({
  name: 'provisioner',
  start: ({ config, ...resources }) => {
    const group = config.groups.provisioner;
    const worker = startProvisioner({ ...resources, topics: config.topics, groupId: group });
    return { ...worker, group, readyLog: { reports: config.topics.tenantProvisioning } };
  },
});
