import { v7 as uuidv7 } from 'uuid';
import type { ControlOrm } from '../orm/index.ts';
import { User } from '../entities/index.ts';
import { rethrowUniqueViolation } from '../errors.ts';

export interface UserRecord {
  id: string;
  email: string;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  superuser: boolean;
  permissions: string[];
  status: string;
}

export interface NewUser {
  email: string;
  passwordHash?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  superuser?: boolean;
  permissions?: string[];
  status?: 'active' | 'invited';
}

function toRecord(user: Record<string, unknown>): UserRecord {
  return {
    id: user.id as string,
    email: user.email as string,
    password_hash: (user.password_hash as string) ?? null,
    first_name: (user.first_name as string) ?? null,
    last_name: (user.last_name as string) ?? null,
    superuser: Boolean(user.superuser),
    permissions: (user.permissions as string[]) ?? [],
    status: user.status as string,
  };
}

export async function findUserByEmail(orm: ControlOrm, email: string): Promise<UserRecord | null> {
  const rows = await orm.em.fork().execute<Record<string, unknown>[]>(`select * from users where lower(email) = lower(?)`, [email]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function findUserById(orm: ControlOrm, id: string): Promise<UserRecord | null> {
  const rows = await orm.em.fork().execute<Record<string, unknown>[]>(`select * from users where id = ?`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function createUser(orm: ControlOrm, input: NewUser): Promise<UserRecord> {
  const em = orm.em.fork();
  const user = em.create(User, {
    id: uuidv7(),
    email: input.email.toLowerCase(),
    password_hash: input.passwordHash ?? null,
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    superuser: input.superuser ?? false,
    permissions: input.permissions ?? [],
    status: input.status ?? 'active',
  });
  try {
    await em.flush();
  } catch (error) {
    rethrowUniqueViolation(error);
  }
  return toRecord(user as unknown as Record<string, unknown>);
}

/** Creates the configured superuser when no user has that email; never changes an existing one. */
export async function ensureSuperuser(orm: ControlOrm, email: string, passwordHash: string): Promise<{ created: boolean }> {
  const rows = await orm.em
    .fork()
    .execute<{ id: string }[]>(
      `insert into users (id, email, password_hash, superuser, permissions, status)
       values (?, ?, ?, true, '{}', 'active') on conflict ((lower(email))) do nothing returning id`,
      [uuidv7(), email.toLowerCase(), passwordHash],
    );
  return { created: rows.length > 0 };
}

export async function touchLastLogin(orm: ControlOrm, userId: string): Promise<void> {
  await orm.em.fork().execute(`update users set last_login_at = now() where id = ?`, [userId]);
}
