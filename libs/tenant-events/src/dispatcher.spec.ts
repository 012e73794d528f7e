import { createTenantEvent } from './create-event.ts';
import { createEventDispatcher } from './dispatcher.ts';
import { EventValidationError } from './errors.ts';
import { sealEvent } from './sealing/seal-event.ts';
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

  it('opens sealed fields inside `around`, so a failing key read is seen by the wrapper', async () => {
    const key = Buffer.alloc(32, 3);
    const sealed = sealEvent(createTenantEvent('TenantCreated', { tenant }), new Map([[`tenant:${tenant.id}`, key]]));
    const steps: string[] = [];
    let keyReads = 0;
    const dispatch = createEventDispatcher(
      { TenantCreated: (event) => void steps.push(`handled ${String(event.data.tenant.name)}`) },
      {
        subjectKeys: async () => {
          if (keyReads++ === 0) throw new Error('connection terminated');
          return key;
        },
        around: async (deliver, event) => {
          steps.push(`around ${event.type}`);
          await deliver().catch((error: Error) => void steps.push(`retry after ${error.message}`));
          if (steps.length === 2) await deliver();
        },
      },
    );
    await dispatch({ value: serializeEvent(sealed) });
    expect(steps).toEqual(['around TenantCreated', 'retry after connection terminated', `handled ${tenant.name}`]);
  });

  it('tells onInvalid about a message that breaks the contract, then throws', async () => {
    const invalid: unknown[] = [];
    const dispatch = createEventDispatcher({}, { onInvalid: (error) => void invalid.push(error) });
    await expect(dispatch({ value: 'not json' })).rejects.toBeInstanceOf(EventValidationError);
    expect(invalid).toEqual([expect.any(EventValidationError)]);
  });
});
