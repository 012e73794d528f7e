import { readFileSync } from 'node:fs';
import { createTenantEvent } from '../create-event.ts';
import type { TenantEvent } from '../event-types.ts';
import { parseEvent } from '../serializer.ts';
import { buildTenantMember, buildTenantSnapshot } from '../testing/index.ts';
import { openEvent, sealEvent, sealingSubjectsOf } from './seal-event.ts';
import { isSealedValue, type SubjectKeyLookup } from './sealed-value.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8')) as TenantEvent[];
// The keys the frozen v2 events were sealed with (libs/tenant-events/src/__fixtures__/v2-events.json).
const V2_TENANT = '01938a2b-7c4d-7e5f-8a9b-0c1d2e3f4a5b';
const V2_USER = '01938a2b-7c4d-7e5f-8a9b-00000000beef';
const v2Keys = new Map<string, Buffer | null>([[`tenant:${V2_TENANT}`, Buffer.alloc(32, 7)], [`user:${V2_USER}`, Buffer.alloc(32, 9)]]);
const lookup = (keys: Map<string, Buffer | null>): SubjectKeyLookup => async (subject) => keys.get(subject) ?? null;

describe('sealed personal fields (contract v2)', () => {
  it('opens the frozen v2 events with their keys', async () => {
    const [created, added] = fixture('v2-events.json');
    const opened = await openEvent(created as TenantEvent<'TenantCreated'>, lookup(v2Keys));
    expect(opened.data.tenant).toEqual(
      expect.objectContaining({ name: 'Comercial Andes SpA', slug: 'comercial-andes', rut: '76086428-5', address: 'Av. Providencia 1234', description: 'Venta de equipos' }),
    );
    const member = (await openEvent(added as TenantEvent<'TenantMemberAdded'>, lookup(v2Keys))).data.member;
    expect(member).toEqual(expect.objectContaining({ email: 'ana.rojas@example.com', first_name: 'Ana', last_name: 'Rojas' }));
  });

  it('opens to null what a destroyed key sealed, and leaves the other subject readable', async () => {
    const [, added] = fixture('v2-events.json');
    const erased = new Map(v2Keys).set(`user:${V2_USER}`, null);
    const opened = await openEvent(added as TenantEvent<'TenantMemberAdded'>, lookup(erased));
    expect(opened.data.member).toEqual(expect.objectContaining({ email: null, first_name: null, last_name: null, role: 'developer' }));
    expect(opened.data.tenant.name).toBe('Comercial Andes SpA');
  });

  it('seals every personal string, nothing else, and the sealed event still validates', () => {
    const tenant = buildTenantSnapshot({ name: 'Sociedad Sellada SpA', rut: '76086428-5', address: 'Calle Uno 1' });
    const member = buildTenantMember({ email: 'sellado@example.com', first_name: 'Sol', last_name: null });
    const event = createTenantEvent('TenantMemberAdded', { tenant, member });
    const keys = new Map(sealingSubjectsOf(event).map((subject) => [subject, Buffer.alloc(32, 1)] as const));
    const sealed = sealEvent(event, keys);
    const text = JSON.stringify(sealed);
    for (const secret of ['Sociedad Sellada SpA', '76086428-5', 'Calle Uno 1', 'sellado@example.com', '"Sol"']) expect(text).not.toContain(secret);
    expect(isSealedValue(sealed.data.tenant.name)).toBe(true);
    expect(sealed.data.member.last_name).toBeNull(); // null stays null
    expect(sealed.data.tenant.giro).toBe(tenant.giro); // company data that is not personal stays plain
    expect(parseEvent(text)).toEqual({ known: true, event: sealed });
  });

  it('writes null for a subject whose key is already destroyed', () => {
    const event = createTenantEvent('TenantUpdated', { tenant: buildTenantSnapshot(), changed_fields: ['name'] });
    const sealed = sealEvent(event, new Map([[`tenant:${event.subject}`, null]]));
    expect(sealed.data.tenant).toEqual(expect.objectContaining({ name: null, slug: null, rut: null }));
  });

  it('binds a sealed value to its field: moved to another field it opens to null', async () => {
    const event = createTenantEvent('TenantCreated', { tenant: buildTenantSnapshot({ rut: '76086428-5' }) });
    const key = Buffer.alloc(32, 3);
    const sealed = sealEvent(event, new Map([[`tenant:${event.subject}`, key]]));
    const swapped = { ...sealed, data: { tenant: { ...sealed.data.tenant, address: sealed.data.tenant.rut } } } as typeof sealed;
    const opened = await openEvent(swapped, lookup(new Map([[`tenant:${event.subject}`, key]])));
    expect(opened.data.tenant.rut).toBe('76086428-5');
    expect(opened.data.tenant.address).toBeNull();
  });

  it('passes v1 events (plain fields) through unchanged without reading a key', async () => {
    const keysRead: string[] = [];
    for (const event of [...fixture('v1-events.json'), ...fixture('v1.1-events.json')]) {
      expect(await openEvent(event, async (subject) => (keysRead.push(subject), null))).toEqual(event);
    }
    expect(keysRead).toEqual([]);
  });
});
