export { startProvisioner } from './worker.ts';
export type { ProvisionerDeps, ProvisionerWorker } from './worker.ts';
export { isDatabaseUnreachable } from '@tenantry/worker-kit';
