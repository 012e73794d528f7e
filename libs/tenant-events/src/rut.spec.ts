import { normalizeRut, rutCheckDigit } from './rut.ts';

describe('RUT', () => {
  it.each([
    ['12.345.678-5', '12345678-5'],
    ['123456785', '12345678-5'],
    ['7.654.321-6', '7654321-6'],
    ['76.086.428-5', '76086428-5'],
    ['10.000.013-k', '10000013-K'],
    [' 96790240-3 ', '96790240-3'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeRut(input)).toBe(expected);
  });

  it.each(['12.345.678-9', '12345678', 'abc', '', '0-0', '1234567890-1', "1-9'; drop table tenants; --"])(
    'rejects %s',
    (input) => {
      expect(normalizeRut(input)).toBeNull();
    },
  );

  it('computes check digits including K and 0', () => {
    expect(rutCheckDigit('12345678')).toBe('5');
    expect(rutCheckDigit('10000013')).toBe('K');
    expect(rutCheckDigit('11111111')).toBe('1');
  });
});
