import { randomBytes } from 'node:crypto';

const MAX_SLUG = 63;

/** `<slug>-copy-<6 hex>`, cut to fit the slug's 63 characters: a clone's slug, unique in practice. */
export function cloneSlug(slug: string): string {
  const suffix = `-copy-${randomBytes(3).toString('hex')}`;
  return `${slug.slice(0, MAX_SLUG - suffix.length).replace(/-+$/, '')}${suffix}`;
}
