import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sealEvent, sealingSubjectsOf, type TenantEvent } from '@tenantry/tenant-events';
import type { SqlClient } from '../orm/index.ts';
import { subjectKeyForSealing, type SubjectId } from './subject-keys.ts';

/**
 * The event as the log (and so Kafka) stores it: personal fields sealed with their subjects' keys,
 * made on first use in the caller's transaction. The plaintext event stays the caller's (answers).
 */
export async function sealForLog<E extends TenantEvent>(em: EntityManager, event: E): Promise<E> {
  const [sealed] = await sealHistoryForLog(em, [event]);
  return sealed;
}

/**
 * sealForLog for many events at once (an imported history), each subject's key read (or made)
 * once. A value already sealed stays as it is; a subject whose key is destroyed gets null.
 */
export async function sealHistoryForLog<E extends TenantEvent>(em: EntityManager, events: E[]): Promise<E[]> {
  const keys = new Map<string, Buffer | null>();
  for (const subject of new Set(events.flatMap(sealingSubjectsOf))) keys.set(subject, await subjectKeyForSealing(em, subject as SubjectId));
  return events.map((event) => sealEvent(event, keys));
}

/** sealForLog for writers on a plain pg client inside their own transaction (batches of events). */
export async function sealAllForLog<E extends TenantEvent>(client: SqlClient, events: E[]): Promise<E[]> {
  const subjects = [...new Set(events.flatMap(sealingSubjectsOf))];
  if (subjects.length === 0) return events;
  // One round trip: the keys made now (the statement's snapshot does not see them in the table)
  // plus those already there.
  const { rows } = await client.query<{ subject: string; key: Buffer | null }>(
    `with made as (insert into subject_keys (subject, key) select * from unnest($1::text[], $2::bytea[]) on conflict (subject) do nothing returning subject, key)
     select subject, key from made union all select subject, key from subject_keys where subject = any($1::text[])`,
    [subjects, subjects.map(() => randomBytes(32))],
  );
  const keys = new Map(rows.map((row) => [row.subject, row.key]));
  return events.map((event) => sealEvent(event, keys));
}
