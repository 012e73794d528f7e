import { withMoveClient } from './move-connection.ts';

/** What tells two URLs apart: the same running server, and the same database on it. */
export interface ServerIdentity {
  /** initdb's system identifier plus the postmaster's start time: a cloned server has the first, never both. */
  server: string;
  /** initdb's system identifier alone (it names a subscription's table-copy slots). */
  systemId: string;
  database: string;
  versionNum: number;
}

export async function readServerIdentity(url: string): Promise<ServerIdentity> {
  return withMoveClient(url, async (client) => {
    const { rows } = await client.query<{ system_id: string; started: string; database: string; version_num: number }>(
      `select system_identifier::text as system_id, pg_postmaster_start_time()::text as started, current_database() as database,
              current_setting('server_version_num')::int as version_num
         from pg_control_system()`,
    );
    const [row] = rows;
    return { server: `${row.system_id}@${row.started}`, systemId: row.system_id, database: row.database, versionNum: row.version_num };
  });
}

/** Whether two tenant databases live on the same PostgreSQL server (and so share its roles). */
export async function onSameServer(a: { url: string }, b: { url: string }): Promise<boolean> {
  const [first, second] = await Promise.all([readServerIdentity(a.url), readServerIdentity(b.url)]);
  return first.server === second.server;
}
