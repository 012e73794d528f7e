import { createTenantEvent } from './create-event.ts';
import { EventValidationError } from './errors.ts';
import { EVENT_TYPES, TENANT_EVENT_TYPES, type EventDataMap, type EventType, type TenantEvent } from './event-types.ts';
import { parseEvent, serializeEvent } from './serializer.ts';
import { buildTenantMember, buildTenantSnapshot } from './testing/fixtures.ts';

const tenant = buildTenantSnapshot({ version: 4, status: 'active', schema_version: 'Migration20260101000000' });

function sampleData(type: EventType): EventDataMap[EventType] {
  switch (type) {
    case 'TenantUpdated':
      return { tenant, changed_fields: ['address'] };
    case 'TenantDeactivated':
      return { tenant, user_status: 'passive' };
    case 'TenantProvisioningFailed':
      return { tenant, error: 'migration 3 failed: relation exists' };
    case 'TenantMemberAdded':
    case 'TenantMemberUpdated':
    case 'TenantMemberRemoved':
      return { tenant, member: buildTenantMember() };
    case 'TenantMoved':
      return { tenant: { ...tenant, database: 'second' }, from: 'main', to: 'second' };
    case 'TenantPurged':
      return {
        tenant: { ...tenant, status: 'purged', is_active: false, name: null, slug: null, description: null, rut: null, address: null },
        purged_at: '2026-12-03T10:00:00.000Z',
      };
    case 'TenantSchemaProvisioned':
      return { schema_name: tenant.schema_name, schema_version: 'Migration20260101000000', duration_ms: 412 };
    case 'TenantSchemaProvisioningFailed':
      return { error: 'connection reset', attempt: 2 };
    default:
      return { tenant };
  }
}

function sampleEvent(type: EventType): TenantEvent {
  const options = { subject: tenant.id, tenantversion: tenant.version, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
  return createTenantEvent(type as 'TenantSchemaProvisioned', sampleData(type) as never, options);
}

function expectInvalid(run: () => unknown, ...fragments: RegExp[]): EventValidationError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EventValidationError);
  const error = caught as EventValidationError;
  expect(error.retriable).toBe(false);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  return error;
}

describe('serializeEvent / parseEvent', () => {
  it.each(EVENT_TYPES)('round-trips %s', (type) => {
    const event = sampleEvent(type);
    const parsed = parseEvent(serializeEvent(event));
    expect(parsed).toEqual({ known: true, event });
    expect(parsed.known && parsed.event.type).toBe(type);
  });

  it('fills the envelope as SPEC §4 shows', () => {
    const event = sampleEvent('TenantUpdated');
    expect(event).toMatchObject({
      specversion: '1.0',
      source: 'tenant-api',
      type: 'TenantUpdated',
      subject: tenant.id,
      datacontenttype: 'application/json',
      tenantversion: 4,
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(sampleEvent('TenantSchemaProvisioned').source).toBe('provisioner');
  });

  it('accepts a string as well as a Buffer', () => {
    const event = sampleEvent('TenantCreated');
    expect(parseEvent(serializeEvent(event).toString('utf8'))).toEqual({ known: true, event });
  });

  it('tolerates an unknown type and hands back the raw event', () => {
    const raw = { ...sampleEvent('TenantCreated'), type: 'TenantMerged', data: { whatever: 1 } };
    const parsed = parseEvent(JSON.stringify(raw));
    expect(parsed).toEqual({ known: false, type: 'TenantMerged', raw });
  });

  it('tolerates an unknown type with only the CloudEvents core attributes', () => {
    const raw = { specversion: '1.0', id: 'x-1', source: 'billing', type: 'InvoicePaid' };
    expect(parseEvent(JSON.stringify(raw))).toEqual({ known: false, type: 'InvoicePaid', raw });
  });

  it('tolerates extra fields on the envelope, data, tenant and member (v1 grows additively)', () => {
    const event = sampleEvent('TenantMemberAdded') as TenantEvent<'TenantMemberAdded'>;
    const newer = {
      ...event,
      partitionkey: event.subject,
      data: {
        ...event.data,
        actor: { user_id: 'u1' },
        tenant: { ...event.data.tenant, logo_url: 'https://example.com/logo.png' },
        member: { ...event.data.member, phone: '+56 9 1234 5678' },
      },
    };
    const parsed = parseEvent(JSON.stringify(newer));
    expect(parsed.known).toBe(true);
    expect(parsed.known && parsed.event).toEqual(newer);
  });

  it('rejects invalid JSON', () => {
    expectInvalid(() => parseEvent('{"specversion":"1.0",'), /not JSON/);
    expectInvalid(() => parseEvent('[1,2]'), /JSON object/);
    expectInvalid(() => parseEvent(null), /no value/);
  });

  it('rejects a known type without tenantversion, naming the attribute', () => {
    const { tenantversion: _, ...rest } = sampleEvent('TenantUpdated');
    const error = expectInvalid(() => parseEvent(JSON.stringify(rest)), /Invalid TenantUpdated event/, /\/tenantversion is required/);
    expect(error.problems).toEqual(['/tenantversion is required']);
    expect(error.eventType).toBe('TenantUpdated');
    expect(error.eventId).toBe(rest.id);
  });

  it('rejects wrongly typed attributes and payload fields, listing every problem', () => {
    const event = sampleEvent('TenantUpdated') as TenantEvent<'TenantUpdated'>;
    const bad = {
      ...event,
      tenantversion: '4',
      data: { ...event.data, changed_fields: 'address', tenant: { ...event.data.tenant, status: 'gone', billing_day: 40 } },
    };
    const error = expectInvalid(() => parseEvent(JSON.stringify(bad)));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        '/tenantversion must be integer',
        '/data/tenant/status must be one of "pending_setup", "active", "suspended", "deactivated", "setup_failed", "purged"',
        '/data/tenant/billing_day must be <= 31',
        '/data/changed_fields must be array',
      ]),
    );
  });

  it('rejects a message that is not a CloudEvent at all', () => {
    expectInvalid(() => parseEvent('{"hello":"world"}'), /Invalid CloudEvent/, /\/specversion is required/, /\/type is required/);
    expectInvalid(() => parseEvent(JSON.stringify({ ...sampleEvent('TenantCreated'), specversion: '0.3' })), /\/specversion must be "1.0"/);
  });

  it('rejects a subject or tenantversion that disagrees with the snapshot', () => {
    const event = sampleEvent('TenantCreated');
    expectInvalid(() => parseEvent(JSON.stringify({ ...event, tenantversion: 9 })), /tenantversion must equal \/data\/tenant\/version \(4\)/);
    expectInvalid(() => parseEvent(JSON.stringify({ ...event, subject: 'other' })), /subject must equal \/data\/tenant\/id/);
  });

  it('refuses to serialize an invalid event', () => {
    const event = sampleEvent('TenantCreated');
    const broken = { ...event, data: { tenant: { ...tenant, slug: undefined } } } as unknown as TenantEvent;
    expectInvalid(() => serializeEvent(broken), /Refusing to serialize invalid TenantCreated event/, /\/data\/tenant\/slug is required/);
    expectInvalid(() => serializeEvent({ ...event, type: 'Nope' } as unknown as TenantEvent), /"Nope" is not a known event type/);
  });

  it('covers every tenant.events type with a tenant snapshot', () => {
    for (const type of TENANT_EVENT_TYPES) {
      const event = sampleEvent(type) as TenantEvent<typeof type>;
      expect(event.data.tenant.id).toBe(tenant.id);
    }
  });
});
