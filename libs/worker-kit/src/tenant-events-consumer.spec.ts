import { createTenantEvent, toKafkaMessage } from '@tenantry/tenant-events';
import { buildTenantSnapshot } from '@tenantry/tenant-events/testing';
import { tenantEventLogFields } from './tenant-events-consumer.ts';

describe('tenantEventLogFields', () => {
  it('names the tenant (the key) and the event (ce_id, ce_type headers) without parsing the value', () => {
    const event = createTenantEvent('TenantCreated', { tenant: buildTenantSnapshot({ version: 1 }) });
    const { key, headers } = toKafkaMessage(event);
    const fields = tenantEventLogFields({ key: Buffer.from(key), value: Buffer.from('not JSON'), headers: { ...headers }, offset: '0', timestamp: '0', attributes: 0 });
    expect(fields).toEqual({ tenant_id: event.subject, event_id: event.id, event_type: 'TenantCreated' });
  });

  it('answers null for what a record lacks', () => {
    expect(tenantEventLogFields({ key: null, value: null, headers: {}, offset: '0', timestamp: '0', attributes: 0 })).toEqual({
      tenant_id: null,
      event_id: null,
      event_type: null,
    });
  });
});
