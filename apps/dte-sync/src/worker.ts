import type { TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
import type { DteSyncContext } from './context.ts';
import { dteSyncSubscribers } from './handlers/index.ts';

export interface DteSyncDeps extends TenantEventWorkerDeps {
  orm: TenantSchemaOrm;
}

export interface DteSyncWorker {
  /** Resolves once the consumer joined its group and fetches. */
  ready: Promise<void>;
  /** Finishes the in-flight message and leaves the group. */
  stop(): Promise<void>;
}

/**
 * Consumes tenant.events as dte-sync (group `config.groups.dteSync`): keeps each tenant schema's
 * issuer info equal to the tenant's DTE fields. Version checks make a replay harmless.
 */
export function startDteSync(deps: DteSyncDeps): DteSyncWorker {
  const { orm } = deps;
  const consumer = consumeTenantEvents(deps, dteSyncSubscribers, (_message, log): DteSyncContext => ({ orm, log }));
  return { ready: consumer.ready, stop: () => consumer.stop() };
}
