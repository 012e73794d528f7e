import { LockMode } from '@mikro-orm/core';
import { TenantryError } from '@tenantry/errors';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { TenantNotFoundError } from '../errors.ts';
import { destroySubjectKey, tenantSubject } from '../subject-keys/index.ts';
import { appendTenantEvent } from '../tenants/index.ts';
import type { EventMeta } from '../outbox/index.ts';
import { scrubPlaintextTenantFields } from './scrub-event-log.ts';

/** Thrown when the tombstone is asked for before the runner dropped the schema (a bug in the caller). */
export class PurgeOutOfOrderError extends TenantryError {
  constructor(tenantId: string, state: string) {
    super('TNT_ERR_PURGE_OUT_OF_ORDER', `The purge of tenant ${tenantId} is at ${state}: its schema must be dropped before the tombstone is written.`);
  }
}

/**
 * The last step of a purge, in ONE control transaction once the schema and role are gone: the
 * tenant row becomes a tombstone (status `purged`, `purged_at`; no name, slug, description, rut,
 * address or other company data, which frees slug and rut), its memberships and idempotency
 * records are deleted, `TenantPurged` goes to the outbox, the tenant's key is destroyed (every
 * sealed copy of its data, in the log and on Kafka, is unreadable from now on) and plaintext
 * fields of events written before contract v2 are scrubbed from the log. Idempotent.
 */
export async function tombstoneTenant(orm: ControlOrm, tenantId: string, meta: EventMeta = {}): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    const row = await em.findOne(Tenant, tenantId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!row) throw new TenantNotFoundError(tenantId);
    const [journal] = await em.execute<{ state: string }[]>(`select state from tenant_purges where tenant_id = ? for update`, [tenantId]);
    if (!journal || journal.state === 'requested') throw new PurgeOutOfOrderError(tenantId, journal?.state ?? 'not requested');
    if (row.status !== 'purged') {
      await em.execute(`delete from memberships where tenant_id = ?`, [tenantId]);
      // Stored answers of this tenant's requests (its create, its member adds) hold its data.
      await em.execute(`delete from idempotency_keys where route like ? or response->>'id' = ?`, [`%/tenants/${tenantId}%`, tenantId]);
      const now = new Date();
      Object.assign(row, {
        name: null,
        slug: null,
        description: null,
        rut: null,
        address: null,
        commune: null,
        city: null,
        post_code: null,
        giro: null,
        economic_activities: [],
        status: 'purged',
        purged_at: now,
        deactivated_at: null,
        version: row.version + 1,
        updated_at: now,
      });
      await em.flush();
      await appendTenantEvent(em, 'TenantPurged', row, { purged_at: now.toISOString() }, meta);
      await destroySubjectKey(em, tenantSubject(tenantId));
      await scrubPlaintextTenantFields(em, tenantId);
    }
    await em.execute(`update tenant_purges set state = 'done', updated_at = now(), finished_at = coalesce(finished_at, now()) where tenant_id = ?`, [tenantId]);
  });
}
