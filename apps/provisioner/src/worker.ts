import { RETRY_DEFAULTS, createIdempotentProducer, type IdempotentProducer, type RunConsumerOptions } from '@tenantry/kafka';
import { startSparePool, type ProvisionTenantSchemaOptions, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, waitOutDatabaseOutages, type Subscriber, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
import type { ProvisionerContext } from './context.ts';
import { provisionerSubscribers } from './handlers/index.ts';

export interface ProvisionerDeps extends TenantEventWorkerDeps {
  orm: TenantSchemaOrm;
  /** Shared by reports and dead letters. If omitted the worker creates one and stop() disconnects it. */
  producer?: IdempotentProducer;
  /** In-process retry of a failing message (default RETRY_DEFAULTS); the last try decides the failure report. */
  retry?: RunConsumerOptions['retry'];
  /** Tenant migrations to apply (default: all); tests inject a failing one. */
  migrations?: ProvisionTenantSchemaOptions['migrations'];
  /** Spare schemas to keep built ahead (PROVISIONER_SPARE_SCHEMAS); 0 or omitted: none. */
  spareSchemas?: number;
  /** Connection limit and timeouts of every tenant role (TENANT_ROLE_*); the defaults when omitted. */
  roleLimits?: ProvisionTenantSchemaOptions['roleLimits'];
}

export interface ProvisionerWorker {
  /** Resolves once the consumer joined its group and fetches. */
  ready: Promise<void>;
  /** Finishes the in-flight message, leaves the group; disconnects the producer only if it made it. */
  stop(): Promise<void>;
}

/**
 * Consumes tenant.events as the provisioner (group `config.groups.provisioner`): schemas and roles
 * per tenant, reports on tenant.provisioning.
 */
export function startProvisioner(deps: ProvisionerDeps): ProvisionerWorker {
  const { kafka, orm, topics, migrations, roleLimits } = deps;
  const producer = deps.producer ?? createIdempotentProducer(kafka);
  const spares = deps.spareSchemas ? startSparePool(orm, { size: deps.spareSchemas, migrations, logger: deps.logger }) : undefined;
  const maxAttempts = deps.retry?.attempts ?? RETRY_DEFAULTS.attempts;
  // A database outage holds the message until PostgreSQL answers again, however long: it says
  // nothing about the tenant, and dead-lettering it would leave the tenant pending_setup.
  const stopping = new AbortController();
  const subscribers = provisionerSubscribers.map(
    (subscriber): Subscriber<ProvisionerContext> => ({
      event: subscriber.event,
      handle: waitOutDatabaseOutages(subscriber.handle, { signal: stopping.signal, logger: (_event, context) => context.log }),
    }),
  );

  const consumer = consumeTenantEvents(
    { ...deps, producer },
    subscribers,
    (message, log): ProvisionerContext => ({
      orm,
      producer,
      topics,
      migrations,
      roleLimits,
      spares,
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
