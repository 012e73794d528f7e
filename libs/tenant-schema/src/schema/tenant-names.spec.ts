import { InvalidTenantIdError } from '../errors.ts';
import { roleNameFor, schemaNameFor, tenantIdHex } from './tenant-names.ts';

const ID = '019a8a3e-7c1d-7b2a-9c3e-1234567890ab';

describe('schemaNameFor / roleNameFor', () => {
  it('derives tenant_<32 hex> and tenant_<32 hex>_app', () => {
    expect(schemaNameFor(ID)).toBe('tenant_019a8a3e7c1d7b2a9c3e1234567890ab');
    expect(roleNameFor(ID)).toBe('tenant_019a8a3e7c1d7b2a9c3e1234567890ab_app');
  });

  it('lower-cases an upper-case id, so one tenant never gets two schemas', () => {
    expect(schemaNameFor(ID.toUpperCase())).toBe(schemaNameFor(ID));
  });

  it('fits PostgreSQL identifiers (63 bytes) and contains only [a-z0-9_]', () => {
    for (const name of [schemaNameFor(ID), roleNameFor(ID)]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it('accepts any RFC UUID version, not only v7', () => {
    expect(tenantIdHex('6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('6ba7b8109dad11d180b400c04fd430c8');
    expect(tenantIdHex('f47ac10b-58cc-4372-a567-0e02b2c3d479')).toHaveLength(32);
  });

  const hostile: [string, unknown][] = [
    ['empty', ''],
    ['double quote', '019a8a3e-7c1d-7b2a-9c3e-1234567890a"'],
    ['quote breaking out', '"; drop schema public cascade; --'],
    ['semicolon', '019a8a3e-7c1d-7b2a-9c3e-12345678;0ab'],
    ['SQL appended', `${ID}; drop role postgres`],
    ['trailing newline', `${ID}\n`],
    ['leading space', ` ${ID}`],
    ['NUL byte', `${ID.slice(0, 35)}\0`],
    ['unicode digits', '019a8a3e-7c1d-7b2a-9c3e-١٢٣٤٥٦٧٨٩٠ab'],
    ['full-width letters', '019a8a3e-7c1d-7b2a-9c3e-1234567890ａｂ'],
    ['cyrillic look-alike', '019а8a3e-7c1d-7b2a-9c3e-1234567890ab'],
    ['emoji', '🙂19a8a3e-7c1d-7b2a-9c3e-1234567890ab'],
    ['too long', `${ID}0`],
    ['far too long', 'a'.repeat(10_000)],
    ['too short', ID.slice(0, 35)],
    ['no dashes', '019a8a3e7c1d7b2a9c3e1234567890ab'],
    ['braces', `{${ID}}`],
    ['non-hex', '019a8a3e-7c1d-7b2a-9c3e-1234567890zz'],
    ['bad version', '019a8a3e-7c1d-0b2a-9c3e-1234567890ab'],
    ['bad variant', '019a8a3e-7c1d-7b2a-7c3e-1234567890ab'],
    ['path traversal', '../../../../etc/passwd'],
    ['number', 42],
    ['null', null],
    ['undefined', undefined],
    ['object', { toString: () => ID }],
  ];

  it.each(hostile)('rejects %s', (_label, value) => {
    expect(() => schemaNameFor(value as string)).toThrow(InvalidTenantIdError);
    expect(() => roleNameFor(value as string)).toThrow(InvalidTenantIdError);
  });

  it('gives a stable error code and a message that says what to pass', () => {
    try {
      schemaNameFor('nope');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTenantIdError);
      expect((error as InvalidTenantIdError).code).toBe('TNT_ERR_INVALID_TENANT_ID');
      expect((error as InvalidTenantIdError).retriable).toBe(false);
      expect((error as Error).message).toMatch(/not a UUID/);
    }
  });
});
