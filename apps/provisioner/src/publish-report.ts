import {
  EVENT_SOURCES,
  createTenantEvent,
  toKafkaMessage,
  type EventDataMap,
  type ProvisioningEventType,
  type TenantEvent,
} from '@tenantry/tenant-events';
import type { ProvisionerContext } from './context.ts';

/**
 * Publishes a tenant.provisioning event about `consumed`: same tenant (key and subject), the
 * consumed event's tenantversion and traceparent, so tenant-api can match report and request.
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
    ...(consumed.traceparent ? { traceparent: consumed.traceparent } : {}),
  });
  // The cast widens to the union: TypeScript does not see a generic TenantEvent<T> as one of its members.
  await context.producer.send(context.topics.tenantProvisioning, [toKafkaMessage(report as TenantEvent)]);
}
