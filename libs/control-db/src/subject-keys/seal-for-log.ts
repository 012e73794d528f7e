import { randomBytes } from 'node:crypto';
import { sealEvent, sealingSubjectsOf, type TenantEvent } from '@tenantry/tenant-events';
import type { SqlClient } from '../orm/index.ts';

/**
 * The events as the log (and so Kafka) stores them: personal fields sealed with their subjects'
 * keys, made on first use in the caller's transaction (the one outbox writer calls this). A value
 * already sealed stays as it is; a subject whose key is destroyed gets null.
 */
export async function sealForLog<E extends TenantEvent>(client: SqlClient, events: E[]): Promise<E[]> {
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
