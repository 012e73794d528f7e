import { SLUG_PATTERN, slugify } from './slug.ts';

describe('slugify', () => {
  it('derives a clean slug', () => {
    expect(slugify('Comercial Ñandú SpA')).toBe('comercial-nandu-spa');
    expect(slugify('  --Acme   & Co.-- ')).toBe('acme-co');
    expect(slugify('x'.repeat(100))).toHaveLength(63);
  });

  it('produces slugs that match the pattern when long enough', () => {
    for (const name of ['Acme Holdings', 'Über Café 2026', "Robert'); DROP TABLE tenants;--"]) {
      expect(slugify(name)).toMatch(new RegExp(SLUG_PATTERN));
    }
  });

  it('may produce nothing usable from symbols alone', () => {
    expect(slugify('!!!!!')).toBe('');
  });
});
