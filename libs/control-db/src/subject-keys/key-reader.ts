import type { EntityManager } from '@mikro-orm/postgresql';
import { type SubjectKeyLookup } from '@tenantry/tenant-events';
import { quoteIdentifier } from '@tenantry/sql';
import type { SqlClient } from '../orm/index.ts';

/**
 * The one way subscribers in this repo read subject keys (for openEvent): a query per subject on
 * the control schema, no cache, so a destroyed key is gone for the very next event.
 */
export function subjectKeyReader(db: SqlClient, controlSchema: string): SubjectKeyLookup {
  const text = `select key from ${quoteIdentifier(controlSchema)}.subject_keys where subject = $1`;
  return async (subject) => (await db.query<{ key: Buffer | null }>(text, [subject])).rows[0]?.key ?? null;
}

/** subjectKeyReader inside the caller's control transaction (one snapshot), each key read once. */
export function subjectKeyReaderIn(em: EntityManager): SubjectKeyLookup {
  const keys = new Map<string, Promise<Buffer | null>>();
  const read = async (subject: string) => (await em.execute<{ key: Buffer | null }[]>(`select key from subject_keys where subject = ?`, [subject]))[0]?.key ?? null;
  return (subject) => {
    if (!keys.has(subject)) keys.set(subject, read(subject));
    return keys.get(subject)!;
  };
}
