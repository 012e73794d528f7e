import { setTimeout as sleep } from 'node:timers/promises';
import type { MoveClient } from './move-connection.ts';

/**
 * Drops a replication slot if it exists. A subscription just disabled still holds its slot for a
 * moment (its WAL sender exits asynchronously): wait a little, then end that sender.
 */
export async function dropSlot(client: MoveClient, slot: string, { waitMs = 10_000 }: { waitMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ active_pid: number | null }>('select active_pid from pg_replication_slots where slot_name = $1', [slot]);
    if (rows.length === 0) return;
    const pid = rows[0].active_pid;
    if (pid === null) {
      await client.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1 and active_pid is null', [slot]);
      continue;
    }
    if (Date.now() >= deadline) await client.query('select pg_terminate_backend($1)', [pid]);
    await sleep(100);
  }
}

/** The slots a subscription's table synchronisation made (`pg_<subscription oid>_sync_<table oid>_<system id>`). */
export async function dropTableSyncSlots(client: MoveClient, subscriptionOid: string, subscriberSystemId: string): Promise<void> {
  const { rows } = await client.query<{ slot_name: string }>(`select slot_name from pg_replication_slots where slot_name like $1`, [
    `pg\\_${subscriptionOid}\\_sync\\_%\\_${subscriberSystemId}`,
  ]);
  for (const { slot_name: slot } of rows) await dropSlot(client, slot);
}
