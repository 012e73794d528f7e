import type { TenantEvent } from '@tenantry/tenant-events';
import { quoteIdentifier } from '@tenantry/sql';
import type { SqlClient } from '../orm/index.ts';

export type { SqlClient };

export interface OutboxEntry {
  seq: string;
  tenantId: string;
  event: TenantEvent;
}

/** Session advisory lock key: only the holder relays, so per-tenant order is kept across processes. */
export const OUTBOX_RELAY_LOCK = 'tenantry-outbox-relay';

export async function tryAcquireRelayLock(client: SqlClient, controlSchema: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(hashtext($1)) as locked`, [
    `${OUTBOX_RELAY_LOCK}:${controlSchema}`,
  ]);
  return rows[0].locked;
}

/** Oldest unpublished events first (global `seq` order, which is per-tenant version order). */
export async function fetchOutboxBatch(client: SqlClient, controlSchema: string, limit: number): Promise<OutboxEntry[]> {
  // `order by e.seq`, qualified: a bare `seq` would name the text output column and sort "10" before "9".
  const { rows } = await client.query<{ seq: string; tenant_id: string; event: TenantEvent }>(
    `select e.seq::text as seq, e.tenant_id::text as tenant_id, e.event from ${quoteIdentifier(controlSchema)}.tenant_events e
      where e.published_at is null order by e.seq limit $1`,
    [limit],
  );
  return rows.map((row) => ({ seq: row.seq, tenantId: row.tenant_id, event: row.event }));
}

export async function markPublished(client: SqlClient, controlSchema: string, seqs: string[]): Promise<void> {
  if (seqs.length === 0) return;
  await client.query(
    `update ${quoteIdentifier(controlSchema)}.tenant_events set published_at = now() where seq = any($1::bigint[])`,
    [seqs],
  );
}

export interface OutboxStatus {
  pending: number;
  oldestPendingAgeSeconds: number | null;
  relayHolderPid: number | null;
}

export async function outboxStatus(client: SqlClient, controlSchema: string): Promise<OutboxStatus> {
  const { rows } = await client.query<{ pending: string; age: number | null }>(
    `select count(*)::text as pending, extract(epoch from now() - min(created_at))::float8 as age
       from ${quoteIdentifier(controlSchema)}.tenant_events where published_at is null`,
  );
  const holder = await client.query<{ pid: number }>(
    // Advisory locks are per database: only a holder in this database is our relay.
    `select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 1
        and database = (select oid from pg_database where datname = current_database())
        and classid::bigint = ((hashtext($1)::bigint >> 32) & 4294967295)
        and objid::bigint = (hashtext($1)::bigint & 4294967295) limit 1`,
    [`${OUTBOX_RELAY_LOCK}:${controlSchema}`],
  );
  return {
    pending: Number(rows[0].pending),
    oldestPendingAgeSeconds: rows[0].age === null ? null : Number(rows[0].age),
    relayHolderPid: holder.rows[0]?.pid ?? null,
  };
}

/** `outbox status` for an operator: the status, the whole log's size, and who holds the relay lock. */
export interface OutboxOverview extends OutboxStatus {
  totalEvents: number;
  /** The session holding the relay lock (pg_stat_activity); null when none, or it ended meanwhile. */
  relayHolder: { applicationName: string; clientAddr: string | null; backendStart: Date } | null;
}

export async function readOutboxOverview(client: SqlClient, controlSchema: string): Promise<OutboxOverview> {
  const status = await outboxStatus(client, controlSchema);
  const holder =
    status.relayHolderPid === null
      ? undefined
      : (
          await client.query<{ application_name: string; client_addr: string | null; backend_start: Date }>(
            `select application_name, client_addr::text as client_addr, backend_start from pg_stat_activity where pid = $1`,
            [status.relayHolderPid],
          )
        ).rows[0];
  const { rows } = await client.query<{ total: string }>(`select count(*)::text as total from ${quoteIdentifier(controlSchema)}.tenant_events`);
  return {
    ...status,
    totalEvents: Number(rows[0].total),
    relayHolder: holder ? { applicationName: holder.application_name, clientAddr: holder.client_addr, backendStart: holder.backend_start } : null,
  };
}
