import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A subject whose personal data events carry sealed: a tenant or a user. */
export type SubjectId = `tenant:${string}` | `user:${string}`;

export const tenantSubject = (tenantId: string): SubjectId => `tenant:${tenantId}`;
export const userSubject = (userId: string): SubjectId => `user:${userId}`;

/** Destroys the subject's key for good (crypto-shredding); a subject without a key gets a destroyed one, so none is made later. */
export async function destroySubjectKey(em: EntityManager, subject: SubjectId): Promise<void> {
  await em.execute(
    `insert into subject_keys (subject, key, destroyed_at) values (?, null, now())
     on conflict (subject) do update set key = null, destroyed_at = coalesce(subject_keys.destroyed_at, now())`,
    [subject],
  );
}

/**
 * A new life for a purged tenant imported again under its id: its destroyed key is replaced by a
 * fresh one, so what is sealed from now on is readable. Every copy sealed in the former life stays
 * unreadable (the new key does not open it). Users get no such thing: an erased user stays erased.
 */
export async function renewDestroyedTenantKey(em: EntityManager, tenantId: string): Promise<void> {
  await em.execute(`update subject_keys set key = ?, destroyed_at = null, created_at = now() where subject = ? and key is null`, [randomBytes(32), tenantSubject(tenantId)]);
}
