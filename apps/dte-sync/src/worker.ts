import { singleTenantDatabase, type TenantDatabases } from '@tenantry/tenant-databases';
import type { TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, holdThroughOutages, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
import type { DteSyncContext } from './context.ts';
import { dteSyncSubscribers } from './handlers/index.ts';

export interface DteSyncDeps extends TenantEventWorkerDeps {
  /** The tenant databases (runWorkerProcess opens them from the control schema's registry). */
  databases?: TenantDatabases;
  /** Without `databases`: every tenant on this one database (`main`), e.g. a test without a control schema. */
  orm?: TenantSchemaOrm;
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
  const databases = deps.databases ?? (deps.orm ? singleTenantDatabase(deps.orm) : undefined);
  if (!databases) throw new Error('startDteSync needs databases (or one orm)');
  // An outage of the tenant's database holds the message until it answers again, however long:
  // dead-lettering it would leave the tenant's issuer stale. The message is parked meanwhile, so
  // tenants on other databases go on.
  // Opening the sealed personal fields reads the control database: inside the hold too.
  const stopping = new AbortController();
  const consumer = consumeTenantEvents(
    { ...deps, subjectKeys: databases.subjectKey, outages: holdThroughOutages({ signal: stopping.signal }) },
    dteSyncSubscribers,
    (_message, log): DteSyncContext => ({ databases, log }),
  );
  return {
    ready: consumer.ready,
    stop: () => {
      stopping.abort(); // a message waiting for the database is left for redelivery
      return consumer.stop();
    },
  };
}
