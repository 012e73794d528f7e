import fc from 'fast-check';
import { BUSINESS_TYPES } from '@tenantry/tenant-events';
import { rutCheckDigit } from '@tenantry/tenant-events';

/** Every member name of Object.prototype (`constructor`, `toString`, `__proto__`, …): field names that must stay plain data. */
export const PROTOTYPE_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

/** A field name the API does not know: an ordinary one or one named like a prototype member. */
const unknownKey = fc.constantFrom('unknown_field', ...PROTOTYPE_NAMES);

/** Values no field accepts: wrong types, text PostgreSQL cannot store, SQL, oversized strings. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '   ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', "'; drop table tenants; --", '%', '_', '\\', 'x'.repeat(3000)),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom(...PROTOTYPE_NAMES)), fc.integer(), { maxKeys: 3 }),
);

/** Usually a valid value, sometimes an edge that the API must refuse. */
const mostly = (valid: fc.Arbitrary<unknown>, edge: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: edge });

const validRut = fc.integer({ min: 1_000_000, max: 99_999_999 }).map((body) => `${body}-${rutCheckDigit(String(body))}`);

const activity = (code: fc.Arbitrary<string>, valid = true) =>
  fc.record({
    code,
    name: valid ? fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) : fc.constantFrom('', 'x'.repeat(256), 'x\u0000'),
    category: valid ? fc.constantFrom('1ra', '2da') : fc.constant('3ra'),
    taxable: valid ? fc.boolean() : fc.constant('yes'),
  });

/** A field's valid values and the edge values the API must refuse (or, for unique fields, may refuse). */
export interface FieldArbitrary {
  valid: fc.Arbitrary<unknown>;
  edge: fc.Arbitrary<unknown>;
}
const pair = (valid: fc.Arbitrary<unknown>, edge: fc.Arbitrary<unknown>): FieldArbitrary => ({ valid, edge });

/** The writable tenant fields of SPEC §2; `groupId` is an existing group. */
export function tenantFields(groupId: string): Record<string, FieldArbitrary> {
  return {
    name: pair(
      fc.oneof(fc.stringMatching(/^[A-Z][a-z]{3,12} [A-Z][a-z]{2,10}( SpA| Ltda)?$/), fc.constantFrom('   Padded Name   ', '🚀 Cohete Andino', 'Ñandú Ltda')),
      fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('abc', '    abc    ', 'N'.repeat(201), '🚀🚀🚀🚀🚀')),
    ),
    slug: pair(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,12}[a-z0-9]$/), fc.constantFrom('ab', '-bad-', 'Upper', 'x'.repeat(64), "a'; drop table tenants; --")),
    description: pair(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant(null)), fc.constant('d'.repeat(2001))),
    business_type: pair(fc.constantFrom(...BUSINESS_TYPES), fc.constantFrom('bank', 'WALLET')),
    rut: pair(
      fc.oneof(validRut, validRut.map((r) => r.replace(/^(\d+)(\d{3})(\d{3})-/, '$1.$2.$3-')), fc.constantFrom(null, '')),
      // Taken RUTs (after the first use) are edges too: 409.
      fc.constantFrom('12345678-9', '1-9', '0-0', 'K-1', '123456789012', '76086428-5', '96.790.240-3'),
    ),
    address: pair(fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)), fc.constant('a'.repeat(256))),
    commune: pair(fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)), fc.constant('c'.repeat(101))),
    city: pair(fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)), fc.constant('c'.repeat(101))),
    post_code: pair(fc.oneof(fc.string({ maxLength: 10 }), fc.constant(null)), fc.constant('p'.repeat(21))),
    country_code: pair(fc.constantFrom('CL', 'AR', 'US', 'cl', 'de'), fc.constantFrom('XX', 'CHL', 'ZZ', '')),
    giro: pair(fc.oneof(fc.string({ maxLength: 30 }), fc.constant(null)), fc.constant('g'.repeat(256))),
    billing_day: pair(fc.integer({ min: 1, max: 31 }), fc.constantFrom(0, -1, 32, 1.5)),
    economic_activities: pair(
      fc.uniqueArray(activity(fc.stringMatching(/^\d{6}$/)), { maxLength: 3, selector: (a) => a.code }),
      fc.oneof(
        fc.array(activity(fc.constantFrom('479100', '620100')), { minLength: 3, maxLength: 3 }),
        fc.array(activity(fc.constantFrom('12', 'abcdef', '1234567')), { minLength: 1, maxLength: 2 }),
        fc.array(activity(fc.constant('479100'), false), { minLength: 1, maxLength: 1 }),
      ),
    ),
    plan_id: pair(fc.constantFrom('free', 'starter', 'business', 'enterprise'), fc.constant('gold')),
    user_limit: pair(fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(null)), fc.constantFrom(0, -1, 2_000_000)),
    group_id: pair(fc.constantFrom(groupId, null), fc.oneof(fc.uuid(), fc.constant('group-1'))),
    settings: pair(
      fc.record(
        { default_currency: fc.constantFrom('CLP', 'USD', 'EUR'), timezone: fc.constantFrom('UTC', 'America/Santiago', 'Europe/Madrid') },
        { requiredKeys: [] },
      ),
      fc.constantFrom({ color: 'red' }, { default_currency: null }, { default_currency: 'XYZ' }, { default_currency: 'clp' }, { timezone: 'Mars/Olympus' }, { timezone: '' }),
    ),
  };
}

/**
 * Bodies of these fields: valid ones, ones with a single edge value, ones with one to three fields
 * swapped for garbage, ones with an unknown field, and a few that are not objects at all.
 */
export function tenantBody(fields: Record<string, FieldArbitrary>, requiredKeys: string[] = []): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields);
  const valid = Object.fromEntries(keys.map((key) => [key, fields[key].valid]));
  const record = fc.oneof(
    { weight: 5, arbitrary: fc.record(valid, { requiredKeys }) },
    { weight: 1, arbitrary: fc.record(valid, { requiredKeys: [] }) },
  );
  const oneEdge = fc
    .constantFrom(...keys)
    .chain((key) => fields[key].edge.map((value) => [key, value] as const));
  const swaps = fc.array(fc.tuple(fc.constantFrom(...keys), garbage), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 8, arbitrary: record },
    { weight: 6, arbitrary: fc.tuple(record, oneEdge).map(([body, [key, value]]) => ({ ...(body as object), [key]: value })) },
    { weight: 4, arbitrary: fc.tuple(record, swaps).map(([body, swapped]) => ({ ...(body as object), ...Object.fromEntries(swapped) })) },
    { weight: 1, arbitrary: fc.tuple(record, unknownKey, garbage).map(([body, key, value]) => ({ ...(body as object), [key]: value })) },
    { weight: 1, arbitrary: garbage },
  );
}

/** The optional `admin` of POST /v1/tenants (argon2 makes each password cost ~50 ms, so most given ones are too short). */
export const adminField: FieldArbitrary = pair(
  fc.record(
    {
      email: mostly(fc.oneof(fc.emailAddress(), fc.constantFrom('boss@example.com', 'BOSS@Example.com')), fc.constant('not-an-email')),
      first_name: mostly(fc.string({ maxLength: 20 }), fc.constant(5)),
      password: fc.oneof({ weight: 1, arbitrary: fc.string({ minLength: 8, maxLength: 20 }) }, { weight: 2, arbitrary: fc.constant('short') }),
    },
    { requiredKeys: ['email'] },
  ),
  garbage,
);
