import { quoteIdentifier } from '../schema/index.ts';
import { sqlStateOf, SQLSTATE } from '../schema/index.ts';
import type { MoveContext } from './move-context.ts';
import { connectMove, queryRows, withMoveClient, type MoveClient } from './move-connection.ts';
import { freezeTimedOut, moveAborted } from './move-errors.ts';
import { pollUntil } from './poll.ts';

/** The source, frozen: a session that holds the schema's advisory lock, and the WAL position after the last write. */
export interface SourceFreeze {
  client: MoveClient;
  finalLsn: string;
  /** Lets the schema's writers in again (the lock goes; LOGIN stays as it is). */
  release(): Promise<void>;
}

async function endRoleSessions(client: MoveClient, ctx: MoveContext, deadline: number, timeoutMs: number): Promise<void> {
  const { role } = ctx.names;
  // Again on every round: a session that was past its login check when NOLOGIN committed appears late.
  await pollUntil(
    async () => {
      const [{ sessions }] = await queryRows<{ sessions: number }>(
        client,
        `select count(*)::int as sessions from (select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()) ended`,
        [role],
      );
      return sessions === 0 ? true : undefined;
    },
    { deadline, intervalMs: 20, signal: ctx.signal, onAbort: () => moveAborted('frozen'), onTimeout: () => freezeTimedOut(ctx.names.schema, timeoutMs, "the tenant's sessions did not end") },
  );
}

/**
 * The write freeze on the source: the tenant's role loses LOGIN, its sessions are ended (and
 * waited for: a terminated backend may still be committing), then the schema's advisory lock is
 * taken on a session of this move (so provisioning, issuer sync and every other service writer
 * wait until it is released), and only then the current WAL position is read: everything the
 * tenant wrote on the source lies before it. Idempotent; a resumed move freezes again.
 */
export async function freezeSource(ctx: MoveContext, { deadline, timeoutMs }: { deadline: number; timeoutMs: number }): Promise<SourceFreeze> {
  const { role, lockKey, schema } = ctx.names;
  const client = await connectMove(ctx.plan.source.url);
  const release = async () => {
    await client.query('select pg_advisory_unlock_all()').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    await alterRoleLogin(client, role, false);
    await endRoleSessions(client, ctx, deadline, timeoutMs);
    await client.query(`set lock_timeout = ${Math.max(1, deadline - Date.now())}`);
    try {
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    } catch (error) {
      if (sqlStateOf(error) === SQLSTATE.LOCK_NOT_AVAILABLE) throw freezeTimedOut(schema, timeoutMs, "a service writer held the schema's lock", error);
      throw error;
    }
    await client.query('reset lock_timeout');
    const [{ lsn }] = await queryRows<{ lsn: string }>(client, 'select pg_current_wal_lsn()::text as lsn');
    return { client, finalLsn: lsn, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Gives the source back to the tenant after a freeze that did not end in a flip: LOGIN again, if it had it. */
export async function unfreezeSource(ctx: MoveContext): Promise<void> {
  if (!ctx.plan.roleLogin) return;
  await setRoleLogin(ctx.plan.source.url, ctx.names.role, true);
}

export async function setRoleLogin(url: string, role: string, login: boolean): Promise<void> {
  await withMoveClient(url, (client) => alterRoleLogin(client, role, login));
}

/** LOGIN or NOLOGIN for the role, when it exists on that server. */
export async function alterRoleLogin(client: MoveClient, role: string, login: boolean): Promise<void> {
  const exists = (await queryRows(client, 'select 1 from pg_roles where rolname = $1', [role])).length > 0;
  if (exists) await client.query(`alter role ${quoteIdentifier(role)} ${login ? 'login' : 'nologin'}`);
}
