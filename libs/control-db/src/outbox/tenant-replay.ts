import type { TenantEvent } from '@tenantry/tenant-events';
import { quoteIdentifier } from '@tenantry/sql';
import type { SqlClient } from './relay-queries.ts';

/** What `replay tenant` republishes, read from the control schema. */
export interface TenantReplaySource {
  schemaName: string;
  /** null: never provisioned. */
  schemaVersion: string | null;
  /** Events the relay already published, from `fromVersion` on, in version order. */
  events: TenantEvent[];
  /** Newer events still in the outbox: the relay publishes them itself, after these. */
  pendingInOutbox: number;
}

/** The tenant's published history from `fromVersion`; null when the tenant does not exist. */
export async function readTenantReplay(client: SqlClient, controlSchema: string, tenantId: string, fromVersion: number): Promise<TenantReplaySource | null> {
  const control = quoteIdentifier(controlSchema);
  const tenant = await client.query<{ schema_name: string; schema_version: string | null }>(
    `select schema_name, schema_version from ${control}.tenants where id = $1`,
    [tenantId],
  );
  if (tenant.rows.length === 0) return null;
  // Only what the relay already published: newer events are still in the outbox and the relay
  // publishes them itself, after these, so per-tenant order on the topic is kept.
  const { rows } = await client.query<{ event: TenantEvent }>(
    `select event from ${control}.tenant_events
      where tenant_id = $1 and tenant_version >= $2 and published_at is not null order by tenant_version, seq`,
    [tenantId, fromVersion],
  );
  const waiting = await client.query<{ n: string }>(
    `select count(*)::text as n from ${control}.tenant_events where tenant_id = $1 and published_at is null`,
    [tenantId],
  );
  return {
    schemaName: tenant.rows[0].schema_name,
    schemaVersion: tenant.rows[0].schema_version,
    events: rows.map((row) => row.event),
    pendingInOutbox: Number(waiting.rows[0].n),
  };
}

/** Whether the control database has a schema of that name (a tenant schema on `main`). */
export async function schemaExists(client: SqlClient, name: string): Promise<boolean> {
  return (await client.query('select 1 from pg_namespace where nspname = $1', [name])).rows.length > 0;
}
