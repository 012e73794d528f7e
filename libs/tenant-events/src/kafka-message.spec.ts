import { createTenantEvent } from './create-event.ts';
import { toKafkaMessage } from './kafka-message.ts';
import { parseEvent } from './serializer.ts';
import { buildTenantSnapshot } from './testing/fixtures.ts';

describe('toKafkaMessage', () => {
  it('keys by tenant id and sets structured-mode headers', () => {
    const event = createTenantEvent('TenantProvisioned', { tenant: buildTenantSnapshot({ status: 'active' }) });
    const message = toKafkaMessage(event);
    expect(message.key).toBe(event.subject);
    expect(message.headers).toEqual({ 'content-type': 'application/cloudevents+json', ce_type: 'TenantProvisioned', ce_id: event.id });
    expect(parseEvent(message.value)).toEqual({ known: true, event });
  });
});
