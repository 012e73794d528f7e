import { RETRY_DEFAULTS, createIdempotentProducer, type IdempotentProducer, type RunConsumerOptions } from '@tenantry/kafka';
import type { ProvisionTenantSchemaOptions, TenantSchemaOrm } from '@tenantry/tenant-schema';
import { consumeTenantEvents, type TenantEventWorkerDeps } from '@tenantry/worker-kit';
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
  const { kafka, orm, topics, migrations } = deps;
  const producer = deps.producer ?? createIdempotentProducer(kafka);
  const maxAttempts = deps.retry?.attempts ?? RETRY_DEFAULTS.attempts;

  const consumer = consumeTenantEvents(
    { ...deps, producer },
    provisionerSubscribers,
    (message, log): ProvisionerContext => ({
      orm,
      producer,
      topics,
      migrations,
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
        await consumer.stop();
        if (!deps.producer) await producer.disconnect();
      })()),
  };
}
