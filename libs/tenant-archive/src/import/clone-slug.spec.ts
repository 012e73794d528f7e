import { cloneSlug } from './clone-slug.ts';

describe('cloneSlug', () => {
  it('appends -copy-<6 hex> and stays a valid slug of at most 63 characters', () => {
    expect(cloneSlug('acme')).toMatch(/^acme-copy-[0-9a-f]{6}$/);
    const long = cloneSlug('a'.repeat(60));
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^a+-copy-[0-9a-f]{6}$/);
    expect(cloneSlug(`${'b'.repeat(51)}-xyz`)).toMatch(/^b{51}-copy-[0-9a-f]{6}$/);
  });
});
