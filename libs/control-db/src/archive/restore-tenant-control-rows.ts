import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import { v7 as uuidv7 } from 'uuid';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { ConflictError, ControlError, rethrowUniqueViolation } from '../errors.ts';
import { appendTenantEvent, commitTenantChange } from '../tenants/index.ts';
import type { EventMeta } from '../outbox/index.ts';
import { placeNewTenant } from '../databases/index.ts';
import { renewDestroyedTenantKey } from '../subject-keys/index.ts';
import { restoreEventHistory } from '../outbox/index.ts';
import { transactionClient } from '../orm/index.ts';
import type { ArchivedMember, TenantControlRows } from './tenant-control-rows.ts';

/** A tenant with this id is in the control schema (only a purged tenant's tombstone may be restored over). */
export class TenantExistsError extends ControlError {
  constructor(id: string) {
    super('TNT_ERR_TENANT_EXISTS', `Tenant ${id} exists in this installation; import it with --as-new for a copy under a new id, or purge it first.`);
  }
}

/** Who the restored rows become: the archived tenant itself, or a clone under a new id. */
export interface RestoreTarget {
  id: string;
  slug: string;
  rut: string | null;
  schemaName: string;
  /** What the restored schema holds after any migrations ran. */
  schemaVersion: string | null;
  /** The tenant database now holding the schema. */
  database: string;
  /** A clone: new id, no event history, versions from 1. */
  asNew: boolean;
}

/**
 * Refuses early (before any schema is restored) what the control rows' insert would refuse: the id
 * taken by a live tenant, the slug or RUT taken by another.
 */
export async function assertTenantImportable(orm: ControlOrm, target: Pick<RestoreTarget, 'id' | 'slug' | 'rut'>): Promise<void> {
  const rows = await orm.em.fork().execute<{ id: string; slug: string; rut: string | null; status: string }[]>(
    `select id::text as id, slug, rut, status from tenants where id = ? or slug = ? or (rut is not null and rut = ?)`,
    [target.id, target.slug, target.rut],
  );
  for (const row of rows) {
    if (row.id === target.id) {
      if (row.status !== 'purged') throw new TenantExistsError(target.id);
      continue;
    }
    if (row.slug === target.slug) throw new ConflictError('TNT_ERR_SLUG_TAKEN', 'slug', `Another tenant (${row.id}) has the slug "${target.slug}".`);
    throw new ConflictError('TNT_ERR_RUT_TAKEN', 'rut', `Another tenant (${row.id}) has the RUT ${target.rut}.`);
  }
}

/** Columns of the archived tenant row that are written back as they were (the rest is the target's). */
const KEPT_COLUMNS = [
  'name', 'description', 'business_type', 'status', 'address', 'commune', 'city', 'post_code', 'country_code', 'giro',
  'billing_day', 'economic_activities', 'plan_id', 'user_limit', 'settings',
] as const;

/**
 * Writes the archived control rows in ONE transaction: the tenant row (over a purged tombstone of
 * the same id, never over a live tenant), members (users matched by e-mail, created `invited`
 * without a password when this installation does not know them), the event history (same id only,
 * kept as published: it was on Kafka already), then the events a newly created tenant gets,
 * `TenantCreated` and `TenantProvisioned`, through the outbox at versions above any the tenant had.
 *
 * Same id over a purged tombstone: a new life of that id. The destroyed tenant key is replaced by a
 * fresh one and the former purge's journal is closed for good (deleted), so the tenant can be
 * purged again. The history (opened in the archive) is sealed again with the keys of this
 * installation, replacing the log's copies the purge made unreadable. Members whose user is
 * erased here are left out and what the history says of them seals to null: an erased user stays
 * erased (their events keep ids and types only).
 */
export async function restoreTenantControlRows(orm: ControlOrm, rows: TenantControlRows, target: RestoreTarget, meta: EventMeta = {}): Promise<TenantSnapshot> {
  try {
    return await orm.em.fork().transactional(async (em) => {
      const archived = rows.tenant;
      const [logged] = await em.execute<{ version: number | null }[]>(`select max(tenant_version) as version from tenant_events where tenant_id = ?`, [target.id]);
      const before = target.asNew ? 0 : Math.max(Number(archived.version), Number(logged?.version ?? 0));
      const now = new Date().toISOString();
      if (!target.asNew) {
        await renewDestroyedTenantKey(em, target.id);
        await em.execute(`delete from tenant_purges where tenant_id = ? and state = 'done'`, [target.id]);
      }
      const kept = KEPT_COLUMNS.map((column) => (column === 'economic_activities' || column === 'settings' ? JSON.stringify(archived[column]) : archived[column]));
      const inserted = await em.execute<{ id: string }[]>(
        `insert into tenants (id, slug, rut, schema_name, schema_version, database, version, created_at, updated_at, deactivated_at, purged_at, group_id, ${KEPT_COLUMNS.join(', ')})
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, (select g.id from tenant_groups g where g.id = ?::uuid), ${KEPT_COLUMNS.map((c) => (c === 'economic_activities' || c === 'settings' ? '?::jsonb' : '?')).join(', ')})
         on conflict (id) do update set ${['slug', 'rut', 'schema_name', 'schema_version', 'database', 'version', 'created_at', 'updated_at', 'deactivated_at', 'purged_at', 'group_id', ...KEPT_COLUMNS].map((c) => `${c} = excluded.${c}`).join(', ')}
           where tenants.status = 'purged'
         returning id::text as id`,
        [
          target.id, target.slug, target.rut, target.schemaName, target.schemaVersion, target.database, before + 1,
          target.asNew ? now : archived.created_at, now, target.asNew ? null : (archived.deactivated_at ?? null), archived.group_id ?? null, ...kept,
        ],
      );
      if (inserted.length === 0) throw new TenantExistsError(target.id);
      const erased = new Set(await erasedUserIdsIn(em, rows.members.map((member) => member.user.id)));
      for (const member of rows.members) if (!erased.has(member.user.id)) await restoreMember(em, target.id, member);
      if (!target.asNew) await restoreEventHistory(transactionClient(em), target.id, rows.events);
      const row = await em.findOneOrFail(Tenant, target.id, { refresh: true });
      await appendTenantEvent(em, 'TenantCreated', row, {}, meta);
      const provisioned = await commitTenantChange(em, 'TenantProvisioned', row, {}, meta);
      return provisioned.data.tenant;
    });
  } catch (error) {
    rethrowUniqueViolation(error);
  }
}

/** Of these user ids, those erased in this installation (tombstones): never restored as members. */
export async function erasedUserIds(orm: ControlOrm, userIds: string[]): Promise<string[]> {
  return erasedUserIdsIn(orm.em.fork(), userIds);
}

async function erasedUserIdsIn(em: EntityManager, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(`select id::text as id from users where status = 'erased' and id = any(?::uuid[])`, [
    // An array literal: the ORM would spread an array parameter into a list.
    `{${userIds.join(',')}}`,
  ]);
  return rows.map((row) => row.id);
}

/** The member's user: the one with this e-mail here, else created (the archived id when free). */
async function restoreMember(em: EntityManager, tenantId: string, member: ArchivedMember): Promise<void> {
  const { user } = member;
  const status = user.status === 'disabled' ? 'disabled' : 'invited';
  const findByEmail = async () =>
    (await em.execute<{ id: string }[]>(`select id::text as id from users where lower(email) = lower(?)`, [user.email]))[0]?.id;
  let userId = await findByEmail();
  if (!userId) {
    const candidate = (await em.execute<{ taken: boolean }[]>(`select exists (select 1 from users where id = ?) as taken`, [user.id]))[0].taken ? uuidv7() : user.id;
    await em.execute(
      `insert into users (id, email, first_name, last_name, status, created_at) values (?, ?, ?, ?, ?, ?)`,
      [candidate, user.email, user.first_name, user.last_name, status, user.created_at],
    );
    userId = candidate;
  }
  await em.execute(
    `insert into memberships (tenant_id, user_id, role, status, joined_at, last_login_at) values (?, ?, ?, ?, ?, ?)`,
    [tenantId, userId, member.role, member.status, member.joined_at, member.last_login_at],
  );
}

/** Where an imported tenant goes: `requested` (must be open), else the placement rule of new tenants. */
export async function placeImportedTenant(orm: ControlOrm, requested?: string): Promise<string> {
  return orm.em.fork().transactional((em) => placeNewTenant(em, requested));
}
