/**
 * `If-Match` as RFC 9110 §13.1.1 writes it: `*`, or a comma-separated list of entity tags
 * (`"3"`, `W/"3"`; empty list elements and optional whitespace allowed, §5.6.1). A tenant's ETag is
 * `W/"<version>"` (SPEC §2); the version changes with every change, so a weak and a strong tag of
 * the same version name the same state and both match (weak comparison, §8.8.3.2).
 */
export type IfMatch = { any: true } | { any: false; tags: EntityTag[] } | { malformed: true };

export interface EntityTag {
  weak: boolean;
  /** The opaque tag without its quotes. */
  opaque: string;
}

// etagc = %x21 / %x23-7E / obs-text (%x80-FF): anything visible except DQUOTE.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/;
const OWS = /^[ \t]*/;

/** Parses the field value; anything outside the grammar is `{ malformed: true }`. */
export function parseIfMatch(value: string): IfMatch {
  const text = value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (text === '*') return { any: true };
  const tags: EntityTag[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (rest.startsWith(',')) {
      rest = rest.slice(1).replace(OWS, '');
      continue;
    }
    const match = ENTITY_TAG.exec(rest);
    if (!match) return { malformed: true };
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = rest.slice(match[0].length).replace(OWS, '');
    if (rest.length > 0 && !rest.startsWith(',')) return { malformed: true };
  }
  return tags.length > 0 ? { any: false, tags } : { malformed: true };
}

/** Whether `If-Match: value` lets a change to a tenant at `version` go ahead; a malformed field matches nothing. */
export function ifMatchAccepts(value: string, version: number): boolean {
  const parsed = parseIfMatch(value);
  if ('malformed' in parsed) return false;
  return parsed.any || parsed.tags.some((tag) => tag.opaque === String(version));
}
