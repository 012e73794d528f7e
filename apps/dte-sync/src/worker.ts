import { openEvent } from '@tenantry/tenant-events';
import { singleTenantDatabase, type TenantDatabases } from '@tenantry/tenant-databases';
import type { TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, waitOutDatabaseOutages, type Subscriber, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
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
  const stopping = new AbortController();
  const subscribers = dteSyncSubscribers.map(
    (subscriber): Subscriber<DteSyncContext> => ({
      event: subscriber.event,
      // Opening the sealed personal fields reads the control database: inside the wait, so an
      // outage there holds the message too instead of spending its tries.
      handle: waitOutDatabaseOutages(async (event, context) => subscriber.handle(await openEvent(event, databases.subjectKey), context), {
        signal: stopping.signal,
        logger: (_event, context) => context.log,
        onWait: (_event, context) => context.park(),
      }),
    }),
  );
  const consumer = consumeTenantEvents(deps, subscribers, (message, log): DteSyncContext => ({ databases, log, park: () => message.park?.() }));
  return {
    ready: consumer.ready,
    stop: () => {
      stopping.abort(); // a message waiting for the database is left for redelivery
      return consumer.stop();
    },
  };
}
