import type { TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, waitOutDatabaseOutages, type Subscriber, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
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
  // A database outage holds the message until PostgreSQL answers again, however long: dead-lettering
  // it would leave the tenant's issuer stale.
  const stopping = new AbortController();
  const subscribers = dteSyncSubscribers.map(
    (subscriber): Subscriber<DteSyncContext> => ({
      event: subscriber.event,
      handle: waitOutDatabaseOutages(subscriber.handle, { signal: stopping.signal, logger: (_event, context) => context.log }),
    }),
  );
  const consumer = consumeTenantEvents(deps, subscribers, (_message, log): DteSyncContext => ({ orm, log }));
  return {
    ready: consumer.ready,
    stop: () => {
      stopping.abort(); // a message waiting for the database is left for redelivery
      return consumer.stop();
    },
  };
}
