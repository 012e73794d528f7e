import { createTenantEvent } from './create-event.ts';
import { createEventDispatcher } from './dispatcher.ts';
import { EventValidationError } from './errors.ts';
import { serializeEvent } from './serializer.ts';
import { buildTenantSnapshot } from './testing/fixtures.ts';

describe('createEventDispatcher', () => {
  const tenant = buildTenantSnapshot({ version: 2 });

  it('calls the handler of the event type with the typed event', async () => {
    const seen: string[] = [];
    const dispatch = createEventDispatcher({
      TenantUpdated: (event) => void seen.push(event.data.changed_fields.join(',')),
    });
    await dispatch({ value: serializeEvent(createTenantEvent('TenantUpdated', { tenant, changed_fields: ['giro', 'city'] })) });
    expect(seen).toEqual(['giro,city']);
  });

  it('skips unknown and unhandled types, reporting them to the optional hooks', async () => {
    const unknown: string[] = [];
    const unhandled: string[] = [];
    const dispatch = createEventDispatcher(
      {},
      { onUnknown: (type) => void unknown.push(type), onUnhandled: (event) => void unhandled.push(event.type) },
    );
    await dispatch({ value: JSON.stringify({ specversion: '1.0', id: '1', source: 's', type: 'TenantRenamed' }) });
    await dispatch({ value: serializeEvent(createTenantEvent('TenantCreated', { tenant })) });
    expect(unknown).toEqual(['TenantRenamed']);
    expect(unhandled).toEqual(['TenantCreated']);
  });

  it('throws a non-retriable error for an invalid message', async () => {
    const dispatch = createEventDispatcher({});
    await expect(dispatch({ value: 'not json' })).rejects.toBeInstanceOf(EventValidationError);
  });
});
