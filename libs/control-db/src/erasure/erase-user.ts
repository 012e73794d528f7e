import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { ControlError } from '../errors.ts';
import { MEMBER_COLUMNS, toMember } from '../rows/index.ts';
import { destroySubjectKey, userSubject } from '../subject-keys/index.ts';
import { commitTenantChange } from '../tenants/index.ts';
import type { EventMeta } from '../outbox/index.ts';

export class UserNotFoundError extends ControlError {
  constructor(id: string) {
    super('TNT_ERR_USER_NOT_FOUND', `User ${id} does not exist.`);
  }
}

/** Member fields events written before contract v2 carry in plain text. */
const MEMBER_PERSONAL_FIELDS = `'email', 'first_name', 'last_name'`;

/** The tenants a user belongs to, with their database: where the tenant schemas' local profile copies live. */
export async function listUserTenantPlacements(orm: ControlOrm, userId: string): Promise<{ tenantId: string; database: string }[]> {
  const rows = await orm.em
    .fork()
    .execute<{ tenant_id: string; database: string }[]>(
      `select m.tenant_id::text as tenant_id, t.database from memberships m join tenants t on t.id = m.tenant_id where m.user_id = ? order by m.tenant_id`,
      [userId],
    );
  return rows.map((row) => ({ tenantId: row.tenant_id, database: row.database }));
}

async function removeFromTenant(em: EntityManager, tenantId: string, userId: string, meta: EventMeta): Promise<void> {
  const row = await em.findOne(Tenant, tenantId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const [member] = await em.execute<Record<string, unknown>[]>(
    `select ${MEMBER_COLUMNS} from memberships m join users u on u.id = m.user_id where m.tenant_id = ? and m.user_id = ?`,
    [tenantId, userId],
  );
  if (!row || !member) return;
  await em.execute(`delete from memberships where tenant_id = ? and user_id = ?`, [tenantId, userId]);
  // Sealed with the user's key, destroyed below in this transaction: subscribers learn the
  // membership ended, never again who it was.
  await commitTenantChange(em, 'TenantMemberRemoved', row, { member: toMember(member) }, meta);
}

/**
 * A user's erasure (GDPR art. 17), in ONE control transaction: every membership removed (with
 * `TenantMemberRemoved`, also when the user was a tenant's last admin: the request outranks the
 * rule), the idempotency records of their requests and of answers that name them deleted, the row
 * kept as a tombstone (status `erased`, no email, names or password), the user's key destroyed
 * (every sealed copy of their data in the log and on Kafka is unreadable from now on), and plain
 * copies in events written before contract v2 scrubbed from the log. Idempotent.
 */
export async function eraseUser(orm: ControlOrm, userId: string, meta: EventMeta = {}): Promise<{ erased: boolean }> {
  return orm.em.fork().transactional(async (em) => {
    const [user] = await em.execute<{ status: string }[]>(`select status from users where id = ? for update`, [userId]);
    if (!user) throw new UserNotFoundError(userId);
    if (user.status === 'erased') return { erased: false };
    const tenants = await em.execute<{ tenant_id: string }[]>(`select tenant_id::text as tenant_id from memberships where user_id = ? order by tenant_id`, [userId]);
    for (const { tenant_id } of tenants) await removeFromTenant(em, tenant_id, userId, meta);
    await em.execute(`delete from idempotency_keys where principal = ? or response::text like ?`, [userId, `%${userId}%`]);
    await em.execute(
      `update users set email = null, first_name = null, last_name = null, password_hash = null, permissions = '{}', superuser = false,
              status = 'erased', erased_at = now(), updated_at = now(), last_login_at = null
        where id = ?`,
      [userId],
    );
    await destroySubjectKey(em, userSubject(userId));
    await em.execute(
      `update tenant_events e
          set event = jsonb_set(e.event, '{data,member}', (e.event #> '{data,member}') || scrubbed.fields)
         from (select x.seq, jsonb_object_agg(f.key, null) as fields
                 from tenant_events x, jsonb_each(x.event #> '{data,member}') f
                where x.event #>> '{data,member,user_id}' = ? and f.key in (${MEMBER_PERSONAL_FIELDS}) and jsonb_typeof(f.value) = 'string'
                group by x.seq) scrubbed
        where e.seq = scrubbed.seq`,
      [userId],
    );
    return { erased: true };
  });
}
