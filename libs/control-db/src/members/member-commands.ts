import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { TenantMember } from '@tenantry/tenant-events';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant, type TenantRow } from '../entities/index.ts';
import { commitTenantChange, snapshotOf } from '../tenants/index.ts';
import type { EventMeta } from '../outbox/index.ts';
import { countLimitedMembers, refuseTombstone } from '../tenants/index.ts';
import { MEMBER_COLUMNS, toMember } from '../rows/index.ts';
import { idempotently, type IdempotentCommand } from '../idempotency/index.ts';
import { ConflictError, ControlError, TenantNotFoundError, rethrowUniqueViolation } from '../errors.ts';

export class MemberNotFoundError extends ControlError {
  constructor(tenantId: string, userId: string) {
    super('TNT_ERR_MEMBER_NOT_FOUND', `User ${userId} is not a member of tenant ${tenantId}.`);
  }
}

export type MemberRole = TenantMember['role'];
export type MembershipStatus = TenantMember['status'];

const MEMBER_SQL = `select ${MEMBER_COLUMNS}
  from memberships m join users u on u.id = m.user_id where m.tenant_id = ? and m.user_id = ?`;

async function lockTenant(em: EntityManager, id: string): Promise<TenantRow> {
  const row = await em.findOne(Tenant, id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!row) throw new TenantNotFoundError(id);
  refuseTombstone(row);
  return row;
}

async function readMember(em: EntityManager, tenantId: string, userId: string): Promise<TenantMember | null> {
  const rows = await em.execute<Record<string, unknown>[]>(MEMBER_SQL, [tenantId, userId]);
  return rows[0] ? toMember(rows[0]) : null;
}

async function bumpAndEmit(
  em: EntityManager,
  row: TenantRow,
  type: 'TenantMemberAdded' | 'TenantMemberUpdated' | 'TenantMemberRemoved',
  member: TenantMember,
  meta: EventMeta,
) {
  await commitTenantChange(em, type, row, { member }, meta);
}

/** True when `userId` is the only active admin left. */
async function isLastActiveAdmin(em: EntityManager, tenantId: string, userId: string): Promise<boolean> {
  const rows = await em.execute<{ others: string }[]>(
    `select count(*)::text as others from memberships
      where tenant_id = ? and role = 'admin' and status = 'active' and user_id <> ?`,
    [tenantId, userId],
  );
  return rows[0].others === '0';
}

export interface AddMemberInput {
  email: string;
  role: MemberRole;
  first_name?: string | null;
  last_name?: string | null;
}

/**
 * Adds a member by email, creating the user as `invited` when unknown; the membership starts
 * `active` either way. The tenant row lock
 * serializes concurrent adds, so `max_users` can never be exceeded.
 */
export async function addMember(
  orm: ControlOrm,
  tenantId: string,
  input: AddMemberInput,
  meta: EventMeta = {},
  idempotency?: IdempotentCommand<TenantMember>,
): Promise<TenantMember> {
  try {
    return await orm.em.fork().transactional((em) => idempotently(em, idempotency, async () => {
      const row = await lockTenant(em, tenantId);
      const email = input.email.toLowerCase();
      let [user] = await em.execute<{ id: string; status: string }[]>(
        `select id::text as id, status from users where lower(email) = ?`,
        [email],
      );
      if (!user) {
        [user] = await em.execute<{ id: string; status: string }[]>(
          `insert into users (id, email, first_name, last_name, status) values (?, ?, ?, ?, 'invited')
           returning id::text as id, status`,
          [uuidv7(), email, input.first_name ?? null, input.last_name ?? null],
        );
      }
      if (await readMember(em, tenantId, user.id)) {
        throw new ConflictError('TNT_ERR_ALREADY_MEMBER', 'email', `${email} is already a member of this tenant.`);
      }
      const snapshot = await snapshotOf(em, row);
      if (snapshot.max_users !== null) {
        const n = await countLimitedMembers(em, tenantId);
        if (n >= snapshot.max_users) {
          throw new ConflictError(
            'TNT_ERR_USER_LIMIT',
            'max_users',
            `This tenant already has ${n} of ${snapshot.max_users} users allowed by its plan; raise user_limit or change plan.`,
          );
        }
      }
      // The membership's status is the tenant's, not a copy of the account's: an admin must not learn
      // from it whether the email had an account, was only invited, or was disabled.
      await em.execute(`insert into memberships (tenant_id, user_id, role, status) values (?, ?, ?, 'active')`, [tenantId, user.id, input.role]);
      const member = (await readMember(em, tenantId, user.id))!;
      await bumpAndEmit(em, row, 'TenantMemberAdded', member, meta);
      return member;
    }));
  } catch (error) {
    rethrowUniqueViolation(error);
  }
}

/** Changes role and/or status; refuses to leave the tenant without an active admin. */
export async function updateMember(
  orm: ControlOrm,
  tenantId: string,
  userId: string,
  change: { role?: MemberRole; status?: MembershipStatus },
  meta: EventMeta = {},
): Promise<TenantMember> {
  return orm.em.fork().transactional(async (em) => {
    const row = await lockTenant(em, tenantId);
    const current = await readMember(em, tenantId, userId);
    if (!current) throw new MemberNotFoundError(tenantId, userId);
    const role = change.role ?? current.role;
    const status = change.status ?? current.status;
    if (role === current.role && status === current.status) return current;
    const wasActiveAdmin = current.role === 'admin' && current.status === 'active';
    const staysActiveAdmin = role === 'admin' && status === 'active';
    if (wasActiveAdmin && !staysActiveAdmin && (await isLastActiveAdmin(em, tenantId, userId))) {
      throw new ConflictError('TNT_ERR_LAST_ADMIN', 'role', 'This is the last active admin of the tenant; make another member admin first.');
    }
    await em.execute(`update memberships set role = ?, status = ? where tenant_id = ? and user_id = ?`, [role, status, tenantId, userId]);
    const member = (await readMember(em, tenantId, userId))!;
    await bumpAndEmit(em, row, 'TenantMemberUpdated', member, meta);
    return member;
  });
}

export async function removeMember(orm: ControlOrm, tenantId: string, userId: string, meta: EventMeta = {}): Promise<TenantMember> {
  return orm.em.fork().transactional(async (em) => {
    const row = await lockTenant(em, tenantId);
    const current = await readMember(em, tenantId, userId);
    if (!current) throw new MemberNotFoundError(tenantId, userId);
    if (current.role === 'admin' && current.status === 'active' && (await isLastActiveAdmin(em, tenantId, userId))) {
      throw new ConflictError('TNT_ERR_LAST_ADMIN', 'user_id', 'This is the last active admin of the tenant; it cannot be removed.');
    }
    await em.execute(`delete from memberships where tenant_id = ? and user_id = ?`, [tenantId, userId]);
    await bumpAndEmit(em, row, 'TenantMemberRemoved', current, meta);
    return current;
  });
}

export async function getMember(orm: ControlOrm, tenantId: string, userId: string): Promise<TenantMember | null> {
  return readMember(orm.em.fork(), tenantId, userId);
}

