import { createTenantEvent } from './create-event.ts';
import { EventValidationError } from './errors.ts';
import type { TenantEvent } from './event-types.ts';
import { buildTenantSnapshot } from './testing/fixtures.ts';

describe('createTenantEvent', () => {
  it('derives subject and tenantversion from the snapshot on tenant.events', () => {
    const tenant = buildTenantSnapshot({ version: 7 });
    const event = createTenantEvent('TenantSuspended', { tenant });
    expect(event.subject).toBe(tenant.id);
    expect(event.tenantversion).toBe(7);
    expect('traceparent' in event).toBe(false);
  });

  it('takes id, time, source and traceparent when given', () => {
    const tenant = buildTenantSnapshot();
    const event = createTenantEvent(
      'TenantCreated',
      { tenant },
      { id: '01938f5e-1f7a-7c3e-9d2b-5a6b7c8d9e0f', time: new Date(Date.UTC(2026, 10, 22, 10)), source: 'replay', traceparent: '00-abc' },
    );
    expect(event).toMatchObject({
      id: '01938f5e-1f7a-7c3e-9d2b-5a6b7c8d9e0f',
      time: '2026-11-22T10:00:00.000Z',
      source: 'replay',
      traceparent: '00-abc',
    });
  });

  it('normalizes a time string to UTC and rejects a non-date', () => {
    const tenant = buildTenantSnapshot();
    expect(createTenantEvent('TenantCreated', { tenant }, { time: '2026-11-22T07:00:00-03:00' }).time).toBe('2026-11-22T10:00:00.000Z');
    expect(() => createTenantEvent('TenantCreated', { tenant }, { time: 'yesterday' })).toThrow(/time "yesterday" is not a date/);
  });

  it('requires subject and tenantversion for provisioning events', () => {
    const event = createTenantEvent(
      'TenantSchemaProvisioningFailed',
      { error: 'boom', attempt: 1 },
      { subject: 'tenant-1', tenantversion: 3 },
    );
    expect(event).toMatchObject({ source: 'provisioner', subject: 'tenant-1', tenantversion: 3 });
    expect(() => createTenantEvent('TenantSchemaProvisioningFailed', { error: 'boom', attempt: 1 }, {} as never)).toThrow(
      /\/subject is required; \/tenantversion is required/,
    );
  });

  it('refuses to build an event that breaks the contract', () => {
    const tenant = buildTenantSnapshot();
    expect(() => createTenantEvent('TenantUpdated', { tenant, changed_fields: [] })).toThrow(EventValidationError);
    expect(() => createTenantEvent('TenantUpdated', { tenant, changed_fields: [] })).toThrow(/changed_fields must NOT have fewer than 1 items/);
  });

  it('narrows data by type in a switch', () => {
    const tenant = buildTenantSnapshot();
    const summarize = (event: TenantEvent): string => {
      switch (event.type) {
        case 'TenantDeactivated':
          return String(event.data.user_status);
        case 'TenantSchemaProvisioned':
          return event.data.schema_version;
        default:
          return 'other';
      }
    };
    expect(summarize(createTenantEvent('TenantDeactivated', { tenant, user_status: null }))).toBe('null');
    expect(summarize(createTenantEvent('TenantSuspended', { tenant }))).toBe('other');
  });
});
