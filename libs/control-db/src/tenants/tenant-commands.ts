import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createTenantEvent, tenantSchemaName, type TenantSnapshot } from '@tenantry/tenant-events';
import type { ControlOrm } from '../orm/index.ts';
import { Membership, Tenant, type TenantRow } from '../entities/index.ts';
import { inSpan } from '@tenantry/telemetry';
import { appendTenantEvent, commitTenantChange, snapshotOf } from './append-tenant-event.ts';
import { appendToOutbox, eventTraceContext, type EventMeta } from '../outbox/index.ts';
import { TENANT_COLUMNS, type TenantColumns } from './tenant-queries.ts';
import { toTenantSnapshot } from '../rows/index.ts';
import { idempotently, type IdempotentCommand } from '../idempotency/index.ts';
import { countLimitedMembers } from './tenant-member-counts.ts';
import { placeNewTenant } from '../databases/index.ts';
import { refuseTombstone } from './refuse-tombstone.ts';
import {
  ConflictError,
  InvalidStateError,
  TenantNotFoundError,
  VersionMismatchError,
  rethrowUniqueViolation,
} from '../errors.ts';

/** The writable fields of a tenant (§2), already validated and normalized by the caller. */
export type TenantFields = { name: string; slug: string; business_type: string } & Pick<
  TenantSnapshot,
  'description' | 'rut' | 'address' | 'commune' | 'city' | 'post_code' | 'country_code' | 'giro' | 'billing_day' | 'economic_activities' | 'plan_id' | 'user_limit' | 'group_id' | 'settings'
>;

export type TenantPatch = Partial<TenantFields>;

async function lockTenant(em: EntityManager, id: string): Promise<TenantRow> {
  const row = await em.findOne(Tenant, id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!row) throw new TenantNotFoundError(id);
  refuseTombstone(row);
  return row;
}

/** An `If-Match` precondition: the field as sent (for the error) and whether it lets a given version through. */
export interface VersionPrecondition {
  header: string;
  accepts(version: number): boolean;
}

function checkIfMatch(row: TenantRow, ifMatch: VersionPrecondition | undefined) {
  if (ifMatch && !ifMatch.accepts(row.version)) throw new VersionMismatchError(ifMatch.header, row.version);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Runs `fn` in one transaction on a fresh fork, mapping unique violations to ConflictError. */
async function inTransaction<T>(orm: ControlOrm, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await inSpan('control-db transaction', { attributes: { 'db.system.name': 'postgresql' } }, () => orm.em.fork().transactional(fn));
  } catch (error) {
    rethrowUniqueViolation(error);
  }
}

/** A first admin to create with the tenant when no user has this email yet (an existing one is reused). */
export interface NewTenantAdmin {
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  passwordHash?: string | null;
}

/** `database`: the tenant database to place it on (a superuser's choice); without it, placement picks one. */
export type CreateTenantInput = { fields: TenantFields; database?: string } & ({ adminUserId: string } | { newAdmin: NewTenantAdmin });

/** The admin's user id, inserting the user in the caller's transaction, so a refused tenant leaves no user behind. */
async function adminUserIdIn(em: EntityManager, admin: NewTenantAdmin): Promise<string> {
  const email = admin.email.toLowerCase();
  const inserted = await em.execute<{ id: string }[]>(
    `insert into users (id, email, password_hash, first_name, last_name, status) values (?, ?, ?, ?, ?, ?)
     on conflict ((lower(email))) do nothing returning id::text as id`,
    [uuidv7(), email, admin.passwordHash ?? null, admin.first_name ?? null, admin.last_name ?? null, admin.passwordHash ? 'active' : 'invited'],
  );
  if (inserted[0]) return inserted[0].id;
  const [existing] = await em.execute<{ id: string }[]>(`select id::text as id from users where lower(email) = ?`, [email]);
  return existing.id;
}

/**
 * Creates the tenant (pending_setup, version 1) placed on a tenant database, its first admin and
 * `TenantCreated`, atomically; with `idempotency`, the key's stored answer commits with them.
 */
export async function createTenant(
  orm: ControlOrm,
  input: CreateTenantInput,
  meta: EventMeta = {},
  idempotency?: IdempotentCommand<TenantSnapshot>,
): Promise<TenantSnapshot> {
  return inTransaction(orm, (em) => idempotently(em, idempotency, async () => {
    const adminUserId = 'adminUserId' in input ? input.adminUserId : await adminUserIdIn(em, input.newAdmin);
    const database = await placeNewTenant(em, input.database);
    const id = uuidv7();
    const now = new Date();
    const row = em.create(Tenant, {
      ...input.fields,
      id,
      status: 'pending_setup',
      schema_name: tenantSchemaName(id),
      schema_version: null,
      database,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    await em.flush();
    em.create(Membership, { tenant_id: id, user_id: adminUserId, role: 'admin', status: 'active' });
    await em.flush();
    const event = await appendTenantEvent(em, 'TenantCreated', row, {}, meta);
    return event.data.tenant;
  }));
}

export interface UpdateTenantResult {
  tenant: TenantSnapshot;
  changedFields: string[];
}

/** Partial update; a patch that changes nothing bumps no version and emits no event. */
export async function updateTenant(
  orm: ControlOrm,
  id: string,
  patch: TenantPatch,
  options: { ifMatch?: VersionPrecondition } & EventMeta = {},
): Promise<UpdateTenantResult> {
  return inTransaction(orm, async (em) => {
    const row = await lockTenant(em, id);
    checkIfMatch(row, options.ifMatch);
    // settings is merged key by key: PATCH {settings: {timezone}} keeps the currency.
    if (patch.settings) patch = { ...patch, settings: { ...row.settings, ...patch.settings } };
    const changedFields = Object.entries(patch)
      .filter(([key, value]) => value !== undefined && !sameValue((row as Record<string, unknown>)[key], value))
      .map(([key]) => key)
      .sort();
    if (changedFields.length === 0) return { tenant: await snapshotOf(em, row), changedFields };
    for (const key of changedFields) (row as Record<string, unknown>)[key] = patch[key as keyof TenantPatch];
    if (changedFields.includes('plan_id') || changedFields.includes('user_limit')) await checkLimitHoldsMembers(em, row);
    const event = await commitTenantChange(em, 'TenantUpdated', row, { changed_fields: changedFields }, options);
    return { tenant: event.data.tenant, changedFields };
  });
}

/** A new plan or user_limit may not leave the tenant with more members than it allows (under the tenant's lock). */
async function checkLimitHoldsMembers(em: EntityManager, row: TenantRow): Promise<void> {
  const { max_users } = await snapshotOf(em, row);
  if (max_users === null) return;
  const members = await countLimitedMembers(em, row.id);
  if (members > max_users) {
    throw new ConflictError(
      'TNT_ERR_USER_LIMIT_TOO_LOW',
      row.user_limit === null ? 'plan_id' : 'user_limit',
      `That would allow ${max_users} users, but the tenant has ${members} members that count toward the limit (every member not banned); remove or ban members first, or choose a higher limit.`,
    );
  }
}

export type StatusAction = 'deactivate' | 'activate' | 'suspend';
export type MemberStatus = 'active' | 'passive' | 'banned';

const ACTION_EVENT = {
  deactivate: 'TenantDeactivated',
  activate: 'TenantActivated',
  suspend: 'TenantSuspended',
} as const;

function targetStatus(action: StatusAction, row: TenantRow): string {
  if (action === 'deactivate') return 'deactivated';
  if (action === 'suspend') return 'suspended';
  return row.schema_version ? 'active' : 'pending_setup';
}

/**
 * Deactivate / activate / suspend. Repeating the current state is answered with the tenant as it is
 * and emits nothing (idempotent for retries). `userStatus` sets every member's membership status.
 */
export async function changeTenantStatus(
  orm: ControlOrm,
  id: string,
  action: StatusAction,
  options: { userStatus?: MemberStatus } & EventMeta = {},
): Promise<TenantSnapshot> {
  return inTransaction(orm, async (em) => {
    const row = await lockTenant(em, id);
    const status = targetStatus(action, row);
    const [purging] = await em.execute<{ state: string }[]>(`select state from tenant_purges where tenant_id = ?`, [id]);
    if (purging && status !== row.status) throw new InvalidStateError(`Tenant ${id} is being purged (${purging.state}); it cannot change state any more.`);
    if (action === 'suspend' && row.status === 'deactivated') {
      throw new InvalidStateError('A deactivated tenant cannot be suspended; activate it first.');
    }
    if (row.status === status && !options.userStatus) return snapshotOf(em, row);
    if (options.userStatus) {
      await em.nativeUpdate(Membership, { tenant_id: id }, { status: options.userStatus });
    }
    if (status !== row.status) row.deactivated_at = status === 'deactivated' ? new Date() : null;
    row.status = status;
    const extra = action === 'deactivate' ? { user_status: options.userStatus ?? null } : {};
    const event = await commitTenantChange(em, ACTION_EVENT[action], row, extra, options);
    return event.data.tenant;
  });
}

export type ProvisioningOutcome =
  | { ok: true; schemaVersion: string }
  | { ok: false; error: string };

/**
 * Records what the provisioner reported. Duplicates (Kafka redelivery) are recognised and change
 * nothing. A tenant deactivated or suspended meanwhile keeps its status but learns its schema version.
 *
 * Plain `pg` on the ORM's pool, not an EntityManager: it runs once per new tenant on the way to
 * `active`, and the ORM transaction (seven round trips and change-set work) took 17 ms at the
 * median there. Here: lock-and-read (tenant with its plan's limit), update the row, then the
 * outbox writer (seal, append and wake the relay), then commit.
 */
export async function recordProvisioningOutcome(
  orm: ControlOrm,
  id: string,
  outcome: ProvisioningOutcome,
  meta: EventMeta = {},
): Promise<{ changed: boolean; tenant?: TenantSnapshot }> {
  return inSpan('control-db transaction record-provisioning-outcome', { attributes: { 'db.system.name': 'postgresql', 'tenantry.tenant.id': id } }, () =>
    writeProvisioningOutcome(orm, id, outcome, meta),
  );
}

async function writeProvisioningOutcome(
  orm: ControlOrm,
  id: string,
  outcome: ProvisioningOutcome,
  meta: EventMeta,
): Promise<{ changed: boolean; tenant?: TenantSnapshot }> {
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<TenantColumns>(
      { name: 'tenantry_lock_tenant_for_outcome', text: `select ${TENANT_COLUMNS} from tenants t join plans p on p.id = t.plan_id where t.id = $1 for update of t`, values: [id] },
    );
    const row = rows[0];
    const next = row && nextProvisioningState(row, outcome);
    if (!row || !next) {
      await client.query('commit');
      return { changed: false };
    }
    const updated: TenantColumns = { ...row, ...next, version: row.version + 1, updated_at: new Date() };
    const type = outcome.ok ? 'TenantProvisioned' : 'TenantProvisioningFailed';
    const tenant = toTenantSnapshot(updated, row.plan_user_limit ?? null, row.move ?? null);
    const event = createTenantEvent(type, { tenant, ...(outcome.ok ? {} : { error: outcome.error }) } as never, {
      tenantversion: updated.version,
      ...eventTraceContext(meta),
    });
    await client.query({
      name: 'tenantry_record_provisioning_outcome',
      text: `update tenants set status = $2, schema_version = $3, version = $4, updated_at = $5 where id = $1`,
      values: [id, updated.status, updated.schema_version, updated.version, updated.updated_at],
    });
    await appendToOutbox(client, [{ tenantId: id, tenantVersion: updated.version, event }], updated.updated_at);
    await client.query('commit');
    return { changed: true, tenant };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The status and schema version after `outcome`, or null when it changes nothing (a duplicate). */
function nextProvisioningState(row: TenantRow, outcome: ProvisioningOutcome): Pick<TenantRow, 'status' | 'schema_version'> | null {
  const settling = row.status === 'pending_setup' || row.status === 'setup_failed';
  if (outcome.ok) {
    if (row.schema_version === outcome.schemaVersion && !settling) return null;
    return { status: settling ? 'active' : row.status, schema_version: outcome.schemaVersion };
  }
  if (!settling || row.status === 'setup_failed') return null;
  return { status: 'setup_failed', schema_version: row.schema_version };
}

/** Asks the provisioner to (re)build the tenant's schema; used after `setup_failed`. */
export async function requestProvisioning(orm: ControlOrm, id: string, meta: EventMeta = {}): Promise<TenantSnapshot> {
  return inTransaction(orm, async (em) => {
    const row = await lockTenant(em, id);
    if (row.status === 'setup_failed') row.status = 'pending_setup';
    const event = await commitTenantChange(em, 'TenantProvisionRequested', row, {}, meta);
    return event.data.tenant;
  });
}

