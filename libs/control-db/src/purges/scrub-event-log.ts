import type { EntityManager } from '@mikro-orm/postgresql';

/** Snapshot fields that carry a tenant's identifying data (sealed with its key since contract v2). */
export const TENANT_PERSONAL_FIELDS = ['name', 'slug', 'description', 'rut', 'address'] as const;

// Constant names, so inlined: the ORM would spread an array parameter into a list.
const FIELD_LIST = TENANT_PERSONAL_FIELDS.map((field) => `'${field}'`).join(', ');

/**
 * Sets to null the tenant fields that events written before contract v2 carry in plain text
 * (a sealed value is an object, left as is: destroying the key already makes it unreadable).
 * The log keeps every event, its type and version, so history stays countable and replayable.
 */
export async function scrubPlaintextTenantFields(em: EntityManager, tenantId: string): Promise<void> {
  await em.execute(
    `update tenant_events e
        set event = jsonb_set(e.event, '{data,tenant}', (e.event #> '{data,tenant}') || scrubbed.fields)
       from (select x.seq, jsonb_object_agg(f.key, null) as fields
               from tenant_events x, jsonb_each(x.event #> '{data,tenant}') f
              where x.tenant_id = ? and f.key in (${FIELD_LIST}) and jsonb_typeof(f.value) = 'string'
              group by x.seq) scrubbed
      where e.seq = scrubbed.seq`,
    [tenantId],
  );
}
