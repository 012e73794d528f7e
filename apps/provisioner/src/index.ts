export { startProvisioner, PROVISIONER_GROUP } from './worker.ts';
export type { ProvisionerDeps, ProvisionerWorker } from './worker.ts';
export { isDatabaseUnreachable } from './database-unreachable.ts';
