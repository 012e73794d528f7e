export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$';

/** Lower-case ASCII `a-z0-9-` derived from a name: accents dropped, runs of anything else become one dash. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}
