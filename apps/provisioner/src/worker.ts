import { RETRY_DEFAULTS, createIdempotentProducer, type IdempotentProducer, type RunConsumerOptions } from '@tenantry/kafka';
import { singleTenantDatabase, type TenantDatabases } from '@tenantry/tenant-databases';
import type { ProvisionTenantSchemaOptions, TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, holdThroughOutages, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
import type { ProvisionerContext } from './context.ts';
import { provisionerSubscribers } from './handlers/index.ts';
import type { ProvisioningMetrics } from './metrics.ts';
import { startSparePools } from './spare-pools.ts';

export interface ProvisionerDeps extends TenantEventWorkerDeps {
  /** The tenant databases (runWorkerProcess opens them from the control schema's registry). */
  databases?: TenantDatabases;
  /** Without `databases`: every tenant on this one database (`main`), e.g. a test without a control schema. */
  orm?: TenantSchemaOrm;
  /** Shared by reports and dead letters. If omitted the worker creates one and stop() disconnects it. */
  producer?: IdempotentProducer;
  /** In-process retry of a failing message (default RETRY_DEFAULTS); the last try decides the failure report. */
  retry?: RunConsumerOptions['retry'];
  /** Tenant migrations to apply (default: all); tests inject a failing one. */
  migrations?: ProvisionTenantSchemaOptions['migrations'];
  /** Spare schemas to keep built ahead on each open database (PROVISIONER_SPARE_SCHEMAS); 0 or omitted: none. */
  spareSchemas?: number;
  /** Connection limit and timeouts of every tenant role (TENANT_ROLE_*); the defaults when omitted. */
  roleLimits?: ProvisionTenantSchemaOptions['roleLimits'];
  /** The process's provisioning metrics (duration by claim/build, spare pool sizes); none when omitted. */
  provisioningMetrics?: ProvisioningMetrics;
}

export interface ProvisionerWorker {
  /** Resolves once the consumer joined its group and fetches. */
  ready: Promise<void>;
  /** Finishes the in-flight message, leaves the group; disconnects the producer only if it made it. */
  stop(): Promise<void>;
}

function databasesOf(deps: ProvisionerDeps): TenantDatabases {
  if (deps.databases) return deps.databases;
  if (deps.orm) return singleTenantDatabase(deps.orm);
  throw new Error('startProvisioner needs databases (or one orm)');
}

/**
 * Consumes tenant.events as the provisioner (group `config.groups.provisioner`): schemas and roles
 * per tenant on the tenant's database, reports on tenant.provisioning.
 */
export function startProvisioner(deps: ProvisionerDeps): ProvisionerWorker {
  const { kafka, topics, migrations, roleLimits } = deps;
  const databases = databasesOf(deps);
  const producer = deps.producer ?? createIdempotentProducer(kafka);
  const spares = deps.spareSchemas ? startSparePools(databases, { size: deps.spareSchemas, migrations, logger: deps.logger }) : undefined;
  if (spares) deps.provisioningMetrics?.watchSpares(spares);
  const maxAttempts = deps.retry?.attempts ?? RETRY_DEFAULTS.attempts;
  // An outage of the tenant's database holds the message until that database answers again,
  // however long: it says nothing about the tenant, and dead-lettering it would leave the tenant
  // pending_setup. The message is parked meanwhile, so tenants on other databases go on.
  // Opening the sealed personal fields reads the control database: inside the hold too.
  const stopping = new AbortController();
  const consumer = consumeTenantEvents(
    { ...deps, producer, subjectKeys: databases.subjectKey, outages: holdThroughOutages({ signal: stopping.signal }) },
    provisionerSubscribers,
    (message, log): ProvisionerContext => ({
      databases,
      producer,
      topics,
      migrations,
      roleLimits,
      spares,
      metrics: deps.provisioningMetrics,
      log,
      attempt: message.attempt,
      lastAttempt: message.attempt >= maxAttempts,
    }),
  );

  let stopped: Promise<void> | undefined;
  return {
    ready: consumer.ready,
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort(); // a message waiting for the database is left for redelivery
        await consumer.stop();
        await spares?.stop();
        if (!deps.producer) await producer.disconnect();
      })()),
  };
}
