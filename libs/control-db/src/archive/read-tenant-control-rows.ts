import { openEvent } from '@tenantry/tenant-events';
import type { ControlOrm } from '../orm/index.ts';
import { TenantNotFoundError } from '../errors.ts';
import { subjectKeyReaderIn } from '../subject-keys/index.ts';
import type { TenantControlRows } from './tenant-control-rows.ts';

/**
 * The tenant's control rows (tenant, members with their profiles, event log), read in one snapshot.
 * Events come opened (personal fields readable, as the members' profiles are): an archive must not
 * depend on keys a purge or an erasure destroys; import seals them again. What a destroyed key
 * sealed (an erased member) opens to null and so stays gone.
 */
export async function readTenantControlRows(orm: ControlOrm, tenantId: string): Promise<TenantControlRows> {
  return orm.em.fork().transactional(
    async (tx) => {
      const [found] = await tx.execute<{ tenant: TenantControlRows['tenant'] }[]>(`select to_jsonb(t) as tenant from tenants t where t.id = ?`, [tenantId]);
      if (!found) throw new TenantNotFoundError(tenantId);
      const members = await tx.execute<TenantControlRows['members']>(
        `select m.user_id::text as user_id, m.role, m.status, m.joined_at, m.last_login_at,
                jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name, 'last_name', u.last_name,
                                   'status', u.status, 'created_at', u.created_at) as "user"
           from memberships m join users u on u.id = m.user_id
          where m.tenant_id = ? order by m.joined_at, u.email`,
        [tenantId],
      );
      const events = await tx.execute<TenantControlRows['events']>(
        `select id::text as id, tenant_version, type, event, created_at, published_at
           from tenant_events where tenant_id = ? order by tenant_version`,
        [tenantId],
      );
      const keys = subjectKeyReaderIn(tx);
      const opened = [];
      for (const row of events) opened.push(isoDates({ ...row, event: await openEvent(row.event, keys) }));
      return { tenant: found.tenant, members: members.map(isoDates), events: opened };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

/** Timestamps as ISO text whatever the driver's type parsers made of them. */
function isoDates<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])) as T;
}
