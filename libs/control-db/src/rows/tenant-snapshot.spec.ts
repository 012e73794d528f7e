import fc from 'fast-check';
import { countryName, isoTimestamp } from './tenant-snapshot.ts';

describe('isoTimestamp', () => {
  it.each([
    ['2026-11-23 01:34:38.472567+00', '2026-11-23T01:34:38.472Z'],
    ['2026-11-23 01:34:38.4+00', '2026-11-23T01:34:38.400Z'],
    ['2026-11-23 01:34:38+00', '2026-11-23T01:34:38.000Z'],
    ['2026-11-23 01:34:38.999999+00', '2026-11-23T01:34:38.999Z'],
    ['2026-11-23 01:34:38.472999-03', '2026-11-23T04:34:38.472Z'],
    ['2026-11-23 01:34:38.47+05:30', '2026-11-22T20:04:38.470Z'],
  ])('%s → %s', (text, iso) => {
    expect(isoTimestamp(text)).toBe(iso);
  });

  it('gives what Date gives for every timestamp text PostgreSQL writes in a UTC session', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 6 }), (date, micros, digits) => {
        // PostgreSQL drops trailing zeros of the fraction and the fraction itself when it is zero.
        const fraction = `${String(date.getUTCMilliseconds()).padStart(3, '0')}${String(micros).padStart(3, '0')}`.slice(0, digits).replace(/0+$/, '');
        const text = `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
        expect(isoTimestamp(text)).toBe(new Date(text).toISOString());
      }),
    );
  });

  it('accepts Date objects', () => {
    expect(isoTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678Z');
  });
});

describe('countryName', () => {
  it('names known codes and keeps unknown ones', () => {
    expect(countryName('CL')).toBe('Chile');
    expect(countryName('CL')).toBe('Chile');
    expect(countryName('ZZ')).toBe('ZZ');
  });
});
