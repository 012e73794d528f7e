import { InvalidIdentifierError } from '../errors.ts';
import { qualifiedName, quoteIdentifier } from './quote-identifier.ts';

describe('quoteIdentifier', () => {
  it('double-quotes plain names', () => {
    expect(quoteIdentifier('tenant_0123')).toBe('"tenant_0123"');
    expect(qualifiedName('tenant_0123', 'issuer')).toBe('"tenant_0123"."issuer"');
  });

  it('doubles embedded double quotes, so a name can never close the quoting', () => {
    expect(quoteIdentifier('a"; drop schema public; --')).toBe('"a""; drop schema public; --"');
    expect(quoteIdentifier('"')).toBe('""""');
  });

  it('keeps case and unicode as they are (quoted identifiers are exact)', () => {
    expect(quoteIdentifier('Ñandú')).toBe('"Ñandú"');
  });

  it.each([
    ['empty', ''],
    ['NUL byte', 'a\0b'],
    ['longer than 63 bytes', 'x'.repeat(64)],
    ['multi-byte over 63 bytes', 'ñ'.repeat(32)],
  ])('rejects %s', (_label, value) => {
    expect(() => quoteIdentifier(value)).toThrow(InvalidIdentifierError);
  });

  it('accepts exactly 63 bytes', () => {
    expect(quoteIdentifier('x'.repeat(63))).toBe(`"${'x'.repeat(63)}"`);
  });
});
