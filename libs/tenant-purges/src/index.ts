export { runTenantPurge, type PurgeRunnerDeps } from './run-tenant-purge.ts';
export { startPurgeRunner, type PurgeRunner, type PurgeRunnerOptions } from './purge-runner.ts';
export { TenantPurgeBusyError } from './errors.ts';
