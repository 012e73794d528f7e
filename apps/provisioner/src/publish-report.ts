import {
  EVENT_SOURCES,
  createTenantEvent,
  toKafkaMessage,
  type EventDataMap,
  type ProvisioningEventType,
  type TenantEvent,
} from '@tenantry/tenant-events';
import { currentTraceContext, startProducerSpan, traceContextFields } from '@tenantry/telemetry';
import type { ProvisionerContext } from './context.ts';

/**
 * Publishes a tenant.provisioning event about `consumed`: same tenant (key and subject), the
 * consumed event's tenantversion, and its trace (continued by this handling's span when tracing is
 * on), so tenant-api can match report and request.
 */
export async function publishReport<T extends ProvisioningEventType>(
  context: Pick<ProvisionerContext, 'producer' | 'topics'>,
  consumed: TenantEvent,
  type: T,
  data: EventDataMap[T],
): Promise<void> {
  const report = createTenantEvent<T>(type, data, {
    subject: consumed.subject,
    tenantversion: consumed.tenantversion,
    source: EVENT_SOURCES.provisioning,
    ...currentTraceContext(traceContextFields(consumed)),
  });
  const destination = context.topics.tenantProvisioning;
  const span = startProducerSpan(
    { system: 'kafka', destination, attributes: { 'messaging.message.id': report.id, 'tenantry.event.type': type, 'tenantry.tenant.id': report.subject } },
    traceContextFields(report),
  );
  // The cast widens to the union: TypeScript does not see a generic TenantEvent<T> as one of its members.
  const message = toKafkaMessage(report as TenantEvent);
  try {
    await context.producer.send(destination, [{ ...message, headers: { ...message.headers, ...span.headers } }]);
    span.end();
  } catch (error) {
    span.end(error);
    throw error;
  }
}
