import { readFileSync } from 'node:fs';
import { createEventDispatcher } from './dispatcher.ts';
import { EVENT_TYPES } from './event-types.ts';
import { eventSchemas } from './schemas/envelope.ts';
import { parseEvent } from './serializer.ts';
import { tenantDatabaseOf, type TenantSnapshot } from './tenant-snapshot.ts';

// The baselines, each frozen when its release shipped: v1, then v1.1 (snapshot `database` and
// `move`, `TenantMoved`), then v2 (sealed personal fields, `TenantPurged`). Never regenerate these
// files: they are what consumers and the event log already hold. A release within v2 adds a new
// pair next to them. See README "Versioning".
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const V1_EVENTS: Record<string, unknown>[] = fixture('v1-events.json');
const V1_SCHEMAS: Record<string, unknown> = fixture('v1-schemas.json');
const BASELINES: [string, Record<string, unknown>, Record<string, unknown>[]][] = [
  ['v1', V1_SCHEMAS, V1_EVENTS],
  ['v1.1', fixture('v1.1-schemas.json'), fixture('v1.1-events.json')],
  ['v2', fixture('v2-schemas.json'), fixture('v2-events.json')],
];

/**
 * What v2 changed on purpose, and nothing else (README "Versioning", v2): the personal fields
 * may be sealed or null, `status` may be `purged`. A v1 baseline may differ from the current
 * schemas only under these paths; a v2 baseline not at all (v2 grows additively, like v1 did).
 */
const V2_CHANGED = [
  ...['name', 'slug', 'description', 'rut', 'address', 'status'].map((field) => `/properties/data/properties/tenant/properties/${field}/`),
  ...['email', 'first_name', 'last_name'].map((field) => `/properties/data/properties/member/properties/${field}/`),
];
const changedOutsideV2 = (problems: string[]) => problems.filter((problem) => !V2_CHANGED.some((path) => problem.startsWith(path)));
const BASELINE_SCHEMAS = BASELINES.flatMap(([release, schemas]) => Object.keys(schemas).map((type) => [release, type, schemas[type]] as const));
const BASELINE_EVENTS = BASELINES.flatMap(([release, , events]) => events.map((event) => [release, event.type, event] as const));

type Schema = Record<string, unknown>;
const DOCS_ONLY = new Set(['description', 'title', '$comment']);

/**
 * Lists what makes `now` not an additive evolution of `v1`: a removed or retyped property, a
 * changed `required` list, a new or changed constraint (enum, pattern, const, ...). New optional
 * properties are allowed.
 */
function breakingChanges(v1: Schema, now: Schema, path = ''): string[] {
  const problems: string[] = [];
  for (const key of new Set([...Object.keys(v1), ...Object.keys(now)])) {
    if (DOCS_ONLY.has(key)) continue;
    const at = `${path}/${key}`;
    if (!(key in now)) problems.push(`${at} was removed`);
    else if (!(key in v1)) problems.push(`${at} was added (a new constraint rejects data v1 accepted)`);
    else if (key === 'properties') {
      const before = v1.properties as Record<string, Schema>;
      const after = now.properties as Record<string, Schema>;
      for (const name of Object.keys(before)) {
        if (!(name in after)) problems.push(`${at}/${name} was removed`);
        else problems.push(...breakingChanges(before[name], after[name], `${at}/${name}`));
      }
    } else if (key === 'required') {
      const before = [...(v1.required as string[])].sort();
      const after = [...(now.required as string[])].sort();
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        problems.push(`${at} changed from [${before}] to [${after}] (new fields must be optional within v1)`);
      }
    } else if (key === 'items' && typeof v1.items === 'object' && typeof now.items === 'object') {
      problems.push(...breakingChanges(v1.items as Schema, now.items as Schema, at));
    } else if (JSON.stringify(v1[key]) !== JSON.stringify(now[key])) {
      problems.push(`${at} changed from ${JSON.stringify(v1[key])} to ${JSON.stringify(now[key])}`);
    }
  }
  return problems;
}

/** Adds `extra_<n>` fields to every object in the event, as a newer v1 producer might. */
function withUnknownFields(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => withUnknownFields(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknownFields(v, depth + 1)]));
  return { ...copy, [`extra_${depth}`]: { added: 'in a later v1 release' } };
}

describe('versioning rules (v1: additive only)', () => {
  it('still has every v1 event type', () => {
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(Object.keys(V1_SCHEMAS)));
  });

  it('still has every event type of every baseline, and each type has a frozen schema and event', () => {
    for (const [, schemas] of BASELINES) expect(EVENT_TYPES).toEqual(expect.arrayContaining(Object.keys(schemas)));
    expect(new Set(BASELINE_SCHEMAS.map(([, type]) => type))).toEqual(new Set(EVENT_TYPES));
    expect(new Set(BASELINE_EVENTS.map(([, type]) => type))).toEqual(new Set(EVENT_TYPES));
  });

  it.each(BASELINE_SCHEMAS)('%s %s schema: the current one is an additive evolution of it (v1: apart from the v2 changes)', (release, type, frozen) => {
    const now = (eventSchemas as Record<string, Schema>)[type];
    const problems = breakingChanges(frozen as Schema, now);
    expect(release.startsWith('v1') ? changedOutsideV2(problems) : problems).toEqual([]);
  });

  it('the v2 change list is not empty talk: v1 and v2 really differ there, and only there', () => {
    const problems = breakingChanges(V1_SCHEMAS.TenantMemberAdded as Schema, eventSchemas.TenantMemberAdded as unknown as Schema);
    expect(problems.length).toBeGreaterThan(0);
    expect(changedOutsideV2(problems)).toEqual([]);
    expect(problems.some((problem) => problem.startsWith('/properties/data/properties/tenant/properties/name/'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('/properties/data/properties/member/properties/email/'))).toBe(true);
  });

  it.each(BASELINE_EVENTS)('the committed %s %s event still validates', (_release, _type, event) => {
    const parsed = parseEvent(JSON.stringify(event));
    expect(parsed).toEqual({ known: true, event });
  });

  it('reads the tenant database of an event from before v1.1 (none) as main, and of a v1.1 event as it says', () => {
    const tenantOf = (event: Record<string, unknown>) => (event.data as { tenant: TenantSnapshot }).tenant;
    const old = V1_EVENTS.find((event) => event.type === 'TenantCreated')!;
    expect('database' in tenantOf(old)).toBe(false);
    const parsed = parseEvent(JSON.stringify(old));
    expect(parsed.known && 'tenant' in parsed.event.data && tenantDatabaseOf(parsed.event.data.tenant)).toBe('main');
    const moved = BASELINES[1][2].find((event) => event.type === 'TenantMoved')!;
    expect(tenantDatabaseOf(tenantOf(moved))).toBe('second');
  });

  it('tolerates unknown fields at every level (envelope, data, tenant, member, settings, activities)', () => {
    for (const event of V1_EVENTS) {
      const newer = withUnknownFields(event) as Record<string, unknown>;
      const parsed = parseEvent(JSON.stringify(newer));
      expect(parsed.known).toBe(true);
      expect(parsed.known && parsed.event.id).toBe(event.id);
    }
  });

  it('skips unknown event types instead of failing', async () => {
    const future = { ...V1_EVENTS[0], id: '01934f6e-7a2b-7c3d-8e4f-00000000ffff', type: 'TenantRenamed', data: { whatever: 1 } };
    expect(parseEvent(JSON.stringify(future))).toEqual({ known: false, type: 'TenantRenamed', raw: future });

    const seen: string[] = [];
    const dispatch = createEventDispatcher(
      { TenantCreated: (event) => void seen.push(event.type) },
      { onUnknown: (type) => void seen.push(`unknown:${type}`) },
    );
    await dispatch({ value: JSON.stringify(future) });
    await dispatch({ value: JSON.stringify(V1_EVENTS[0]) });
    expect(seen).toEqual(['unknown:TenantRenamed', 'TenantCreated']);
  });

  describe('the compatibility check bites', () => {
    // Mutations reach deep into plain JSON; typing every level would only hide what they change.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type Json = any;
    const v1 = V1_SCHEMAS.TenantUpdated as Schema;
    const mutate = (change: (schema: Json) => void): Schema => {
      const copy = structuredClone(v1);
      change(copy);
      return copy;
    };

    it('accepts a new optional field', () => {
      expect(breakingChanges(v1, mutate((s) => (s.properties.data.properties.reason = { type: 'string' })))).toEqual([]);
    });

    it.each([
      ['a new required field', (s: Json) => s.properties.data.required.push('reason'), /required changed/],
      ['a removed field', (s: Json) => delete s.properties.data.properties.tenant.properties.giro, /giro was removed/],
      ['a new enum value', (s: Json) => s.properties.data.properties.tenant.properties.status.enum.push('archived'), /status\/enum changed/],
      ['a retyped field', (s: Json) => (s.properties.data.properties.tenant.properties.billing_day.type = 'string'), /billing_day\/type changed/],
      ['a closed object', (s: Json) => (s.properties.data.additionalProperties = false), /additionalProperties was added/],
    ])('rejects %s', (_label, change, message) => {
      const problems = breakingChanges(v1, mutate(change));
      expect(problems.join('\n')).toMatch(message);
    });
  });
});
