import { type SubjectKeyLookup } from '@tenantry/tenant-events';
import { quoteIdentifier } from '@tenantry/sql';
import type { SqlClient } from '../outbox.ts';

/**
 * The one way subscribers in this repo read subject keys (for openEvent): a query per subject on
 * the control schema, no cache, so a destroyed key is gone for the very next event.
 */
export function subjectKeyReader(db: SqlClient, controlSchema: string): SubjectKeyLookup {
  const text = `select key from ${quoteIdentifier(controlSchema)}.subject_keys where subject = $1`;
  return async (subject) => (await db.query<{ key: Buffer | null }>(text, [subject])).rows[0]?.key ?? null;
}
