import type { ConsumedMessage } from '@tenantry/kafka';
import { captureLogger } from '@tenantry/kafka/testing';
import type { Logger } from '@tenantry/logger';
import { EventValidationError, createTenantEvent, toKafkaMessage, type TenantEvent } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import { routeEvents } from './event-router.ts';
import { defineSubscriber } from './subscriber.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function consumed(key: string | null, value: Buffer | null): ConsumedMessage {
  return { topic: 'tenant.events', partition: 2, offset: '41', key: key === null ? null : Buffer.from(key), value, headers: {}, timestamp: '0', attempt: 1 };
}

function consumedEvent(event: TenantEvent): ConsumedMessage {
  const { key, value } = toKafkaMessage(event);
  return consumed(key, value);
}

describe('routeEvents', () => {
  const handled: { type: string; context: { attempt: number; log: Logger } }[] = [];
  const created = defineSubscriber('TenantCreated', async (event, context: { attempt: number; log: Logger }) => {
    context.log.info({ name: event.data.tenant.name }, 'handled');
    handled.push({ type: event.type, context });
  });

  beforeEach(() => {
    handled.length = 0;
  });

  it('calls the subscriber of the type with the context built for it and a logger that carries the event', async () => {
    const { logger, lines } = captureLogger('router');
    const route = routeEvents([created], logger, (message, log) => ({ attempt: message.attempt, log }));
    const event = createTenantEvent('TenantCreated', { tenant: buildTenantSnapshot({ version: 1 }) }, { traceparent: TRACEPARENT });

    await route(consumedEvent(event));

    expect(handled).toEqual([{ type: 'TenantCreated', context: { attempt: 1, log: expect.anything() } }]);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'handled',
        tenant_id: event.subject,
        traceparent: TRACEPARENT,
        event_type: 'TenantCreated',
        event_id: event.id,
        tenantversion: 1,
      }),
    ]);
  });

  it('throws a non-retriable EventValidationError for an invalid event, so the runner dead-letters it at once', async () => {
    const { logger, lines } = captureLogger('router');
    const route = routeEvents([created], logger, (message, log) => ({ attempt: message.attempt, log }));

    const error = await route(consumed('tenant-1', Buffer.from('{"specversion":"1.0", not JSON'))).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).retriable).toBe(false);
    expect(handled).toHaveLength(0);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'invalid event, left to the dead-letter topic',
        tenant_id: 'tenant-1',
        traceparent: null,
        topic: 'tenant.events',
        partition: 2,
        offset: '41',
      }),
    ]);
  });

  it('skips an unknown type and a known type nobody subscribed to (SPEC §4), logging both at debug', async () => {
    const { logger, lines } = captureLogger('router');
    const route = routeEvents([created], logger, (message, log) => ({ attempt: message.attempt, log }));
    const tenant = buildTenantSnapshot();
    const unknown = { ...createTenantEvent('TenantCreated', { tenant }), type: 'TenantArchived' };
    const suspended = createTenantEvent('TenantSuspended', { tenant: { ...tenant, status: 'suspended', is_active: false } });

    await route(consumed(tenant.id, Buffer.from(JSON.stringify(unknown))));
    await route(consumedEvent(suspended));

    expect(handled).toHaveLength(0);
    expect(lines.map(({ level, msg, tenant_id, event_type }) => ({ level, msg, tenant_id, event_type }))).toEqual([
      { level: 20, msg: 'unknown event type ignored', tenant_id: tenant.id, event_type: 'TenantArchived' },
      { level: 20, msg: 'event type not handled here, ignored', tenant_id: tenant.id, event_type: 'TenantSuspended' },
    ]);
  });
});
