import { withMoveClient } from './move-connection.ts';

export interface LogicalReplicationCheck {
  ok: boolean;
  walLevel: string;
  /** Why not, when `ok` is false. */
  problem?: string;
}

/** Whether a database can be the source of an online move: wal_level=logical, slots and WAL senders available. */
export async function checkLogicalReplication(url: string): Promise<LogicalReplicationCheck> {
  return withMoveClient(url, async (client) => {
    const { rows } = await client.query<{ wal_level: string; slots: number; senders: number }>(
      `select current_setting('wal_level') as wal_level, current_setting('max_replication_slots')::int as slots,
              current_setting('max_wal_senders')::int as senders`,
    );
    const [{ wal_level: walLevel, slots, senders }] = rows;
    if (walLevel !== 'logical') return { ok: false, walLevel, problem: `wal_level is ${walLevel}, not logical` };
    if (slots < 1) return { ok: false, walLevel, problem: 'max_replication_slots is 0' };
    if (senders < 1) return { ok: false, walLevel, problem: 'max_wal_senders is 0' };
    return { ok: true, walLevel };
  });
}
