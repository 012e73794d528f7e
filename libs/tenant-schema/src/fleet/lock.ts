import pg from 'pg';
import { TenantSchemaError } from '../errors.ts';
import { CONNECT_TIMEOUT_MS } from './connect-timeout.ts';

const FLEET_LOCK_KEY = 'tenantry:fleet-migrate';

export interface FleetLock {
  release(): Promise<void>;
}

/**
 * One fleet migration at a time per database: a session advisory lock on a connection of its own
 * (it touches no tenant schema). A killed run's session ends with its process, and the lock with it,
 * though the server may take a moment to notice: the lock is tried for `graceMs` before refusing.
 * Per-schema advisory locks already make two runs safe; this one keeps their reports honest.
 */
export async function acquireFleetLock(databaseUrl: string, { graceMs = 5000 }: { graceMs?: number } = {}): Promise<FleetLock> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'tenantry-migrate-up-lock', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const deadline = Date.now() + graceMs;
    let rows = await tryLock(client);
    while (!rows[0].granted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = await tryLock(client);
    }
    if (!rows[0].granted) {
      throw new TenantSchemaError(
        'TNT_ERR_FLEET_MIGRATION_RUNNING',
        `Another migrate up is running on this database${rows[0].holder ? ` (backend pid ${rows[0].holder})` : ''}; wait for it to finish, then run again.`,
      );
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    async release() {
      // Unlocked explicitly: the next run (maybe in this very process) must not wait for the
      // server to notice the closed connection.
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [FLEET_LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

async function tryLock(client: pg.Client) {
  const { rows } = await client.query<{ granted: boolean; holder: number | null }>(
    `select pg_try_advisory_lock(hashtextextended($1, 0)) as granted,
            (select l.pid from pg_locks l
              where l.locktype = 'advisory' and l.granted and l.pid <> pg_backend_pid()
                and l.database = (select oid from pg_database where datname = current_database())
                and l.objsubid = 1
                and l.classid::bigint = ((hashtextextended($1, 0) >> 32) & 4294967295)
                and l.objid::bigint = (hashtextextended($1, 0) & 4294967295) limit 1) as holder`,
    [FLEET_LOCK_KEY],
  );
  return rows;
}
