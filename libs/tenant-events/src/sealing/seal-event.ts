import type { TenantEvent } from '../event-types.ts';
import { SEALED_MEMBER_FIELDS, SEALED_TENANT_FIELDS, tenantKeyId, userKeyId } from './personal-fields.ts';
import { isSealedValue, openValue, sealValue, type SubjectKeyLookup } from './sealed-value.ts';

type Json = Record<string, unknown>;

/** The subjects whose keys sealing or opening this event needs: its tenant, and a member's user. */
export function sealingSubjectsOf(event: TenantEvent): string[] {
  const data = event.data as { tenant?: Json; member?: Json };
  const subjects: string[] = [];
  if (data.tenant) subjects.push(tenantKeyId(String(data.tenant.id)));
  if (data.member) subjects.push(userKeyId(String(data.member.user_id)));
  return subjects;
}

function mapFields(object: Json, fields: readonly string[], path: string, change: (value: unknown, field: string) => unknown): Json {
  const copy = { ...object };
  for (const field of fields) if (field in copy) copy[field] = change(copy[field], `${path}.${field}`);
  return copy;
}

/**
 * The event as the log and Kafka carry it (v2): every personal string of the snapshot and the
 * member sealed with its subject's key (`keys`, read beforehand for `sealingSubjectsOf(event)`).
 * A subject whose key is destroyed gets null: its data is not written again anywhere.
 */
export function sealEvent<E extends TenantEvent>(event: E, keys: ReadonlyMap<string, Buffer | null>): E {
  const data = event.data as { tenant?: Json; member?: Json };
  const seal = (kid: string) => (value: unknown, field: string) => {
    if (typeof value !== 'string') return value;
    const key = keys.get(kid);
    return key ? sealValue(key, kid, field, value) : null;
  };
  const sealed: Json = { ...data };
  if (data.tenant) sealed.tenant = mapFields(data.tenant, SEALED_TENANT_FIELDS, 'tenant', seal(tenantKeyId(String(data.tenant.id))));
  if (data.member) sealed.member = mapFields(data.member, SEALED_MEMBER_FIELDS, 'member', seal(userKeyId(String(data.member.user_id))));
  return { ...event, data: sealed };
}

/**
 * The event with its personal fields readable again: each sealed value opened with its subject's
 * key (read through `keys`), or null when that key is destroyed (the tenant was purged, the user
 * erased). Plain values (v1 events) pass through. Subscribers call this before using a snapshot.
 */
export async function openEvent<E extends TenantEvent>(event: E, keys: SubjectKeyLookup): Promise<E> {
  const data = event.data as { tenant?: Json; member?: Json };
  // Only the keys of values really sealed: a v1 event (all plain) reads none.
  const found = new Map<string, Buffer | null>();
  for (const object of [data.tenant, data.member]) {
    for (const value of Object.values(object ?? {})) {
      if (isSealedValue(value) && !found.has(value.kid)) found.set(value.kid, await keys(value.kid));
    }
  }
  const open = (value: unknown, field: string) => (isSealedValue(value) ? openValue(found.get(value.kid) ?? null, value, field) : value);
  const opened: Json = { ...data };
  if (data.tenant) opened.tenant = mapFields(data.tenant, SEALED_TENANT_FIELDS, 'tenant', open);
  if (data.member) opened.member = mapFields(data.member, SEALED_MEMBER_FIELDS, 'member', open);
  return { ...event, data: opened };
}
