import type { Kafka } from 'kafkajs';
import { recordProvisioningOutcome, type ControlOrm } from '@tenantry/control-db';
import { runConsumer, type RunningConsumer } from '@tenantry/kafka';
import { createEventDispatcher } from '@tenantry/tenant-events';
import type { Logger } from '@tenantry/logger';
import { holdThroughOutages } from '@tenantry/worker-kit';
import { activeTraceId, traceContextFields, traceIdOf } from '@tenantry/telemetry';

export interface ProvisioningResultsOptions {
  kafka: Kafka;
  orm: ControlOrm;
  topic: string;
  logger: Logger;
  /** `config.groups.tenantApi`: `<KAFKA_TOPIC_PREFIX>tenant-api`, so stacks sharing a cluster never share the group. */
  groupId: string;
  retry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Told each applied outcome (for metrics). */
  onOutcome?: (outcome: 'provisioned' | 'failed') => void;
}

/**
 * Turns the provisioner's reports into tenant state: pending_setup → active / setup_failed, with
 * TenantProvisioned / TenantProvisioningFailed written to the outbox in the same transaction.
 * Redelivered reports change nothing (recordProvisioningOutcome recognises them). A database outage
 * is waited out (holdThroughOutages), never dead-lettered.
 */
export function consumeProvisioningResults(options: ProvisioningResultsOptions): RunningConsumer {
  const { orm, logger } = options;
  // A database outage holds the report until PostgreSQL answers again, however long: dead-lettering
  // it would leave the tenant pending_setup. Not parked: every report waits on the control database.
  const stopping = new AbortController();
  const outages = holdThroughOutages({ signal: stopping.signal });
  const dispatch = createEventDispatcher(
    {
      TenantSchemaProvisioned: async (event) => {
        const result = await recordProvisioningOutcome(
          orm,
          event.subject,
          { ok: true, schemaVersion: event.data.schema_version },
          traceContextFields(event),
        );
        if (result.changed) options.onOutcome?.('provisioned');
        logger.info(
          { tenant_id: event.subject, changed: result.changed, duration_ms: event.data.duration_ms, traceparent: event.traceparent, trace_id: activeTraceId() ?? traceIdOf(event.traceparent) },
          'tenant schema provisioned',
        );
      },
      TenantSchemaProvisioningFailed: async (event) => {
        const result = await recordProvisioningOutcome(
          orm,
          event.subject,
          { ok: false, error: event.data.error },
          traceContextFields(event),
        );
        if (result.changed) options.onOutcome?.('failed');
        logger.warn({ tenant_id: event.subject, changed: result.changed, error: event.data.error }, 'tenant provisioning failed');
      },
    },
    { onUnknown: (type) => logger.debug({ type }, 'ignoring unknown event type'), around: (deliver) => outages(deliver, { log: logger }) },
  );
  const consumer = runConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
    handle: dispatch,
    retry: options.retry,
    logger,
  });
  return {
    ready: consumer.ready,
    stop: () => {
      stopping.abort(); // a report waiting for the database is left for redelivery
      return consumer.stop();
    },
  };
}
