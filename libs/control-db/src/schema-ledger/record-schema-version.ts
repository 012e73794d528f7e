import { LockMode } from '@mikro-orm/core';
import { createTenantEvent, type TenantSnapshot } from '@tenantry/tenant-events';
import type { Pool } from 'pg';
import type { ControlOrm } from '../orm/index.ts';
import { Tenant } from '../entities/index.ts';
import { TENANT_COLUMNS, commitTenantChange, type TenantColumns, snapshotOf } from '../tenants/index.ts';
import { toTenantSnapshot } from '../rows/index.ts';
import { TenantNotFoundError } from '../errors.ts';
import { appendToOutbox, eventTraceContext, type EventMeta } from '../outbox/index.ts';

/** One row of the schema-version ledger: what the control schema believes a tenant schema holds, and where. */
export interface SchemaLedgerEntry {
  tenantId: string;
  schemaName: string;
  status: string;
  schemaVersion: string | null;
  /** The tenant database holding the schema (`main`: the control database). */
  database: string;
  /** The database an unfinished move is taking the tenant to, or null. */
  moveTo: string | null;
}

const SCHEMA_LEDGER = `select t.id, t.schema_name, t.status, t.schema_version, t.database,
       (select mv.to_database from tenant_moves mv where mv.tenant_id = t.id and mv.finished_at is null) as move_to
  from tenants t
 order by t.created_at, t.id`;

/**
 * Every tenant's ledger entry in one query, oldest tenant first: the fleet migration reads the
 * whole ledger at once instead of one tenant at a time, with each tenant's placement and open
 * move (the fleet engine checks drift per database). Plain SQL on the ORM's pool, as
 * recordSchemaVersions: no entity is hydrated for six strings per tenant.
 */
export async function readSchemaLedger(orm: ControlOrm): Promise<SchemaLedgerEntry[]> {
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  type Row = { id: string; schema_name: string; status: string; schema_version: string | null; database: string; move_to: string | null };
  const { rows } = await pool.query<Row>(SCHEMA_LEDGER);
  return rows.map((row) => ({
    tenantId: row.id,
    schemaName: row.schema_name,
    status: row.status,
    schemaVersion: row.schema_version,
    database: row.database,
    moveTo: row.move_to,
  }));
}

/**
 * Records the migration a tenant schema now holds (after `migrate up`): sets `schema_version`,
 * bumps the tenant version and appends `TenantUpdated` with `changed_fields: ['schema_version']`,
 * in one transaction. Recording the version the ledger already holds changes nothing, so a re-run
 * after a crash emits no duplicate event.
 */
export async function recordSchemaVersion(
  orm: ControlOrm,
  tenantId: string,
  schemaVersion: string,
  meta: EventMeta = {},
): Promise<{ changed: boolean; tenant: TenantSnapshot }> {
  return orm.em.fork().transactional(async (em) => {
    const row = await em.findOne(Tenant, tenantId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!row) throw new TenantNotFoundError(tenantId);
    if (row.schema_version === schemaVersion) return { changed: false, tenant: await snapshotOf(em, row) };
    row.schema_version = schemaVersion;
    const event = await commitTenantChange(em, 'TenantUpdated', row, { changed_fields: ['schema_version'] }, meta);
    return { changed: true, tenant: event.data.tenant };
  });
}

/** What {@link recordSchemaVersions} did for one entry: `changed` (false: the ledger held it already) or why not. */
export type SchemaVersionRecordOutcome = { tenantId: string; changed: boolean } | { tenantId: string; error: Error };

/** Every tenant column (null `plan_found`: the plan row is missing), locked in id order. */
const LOCKED_TENANTS = `select ${TENANT_COLUMNS}, p.id as plan_found
  from tenants t left join plans p on p.id = t.plan_id
 where t.id = any($1::uuid[])
 order by t.id
   for update of t`;

const UPDATE_TENANTS = `update tenants t
   set schema_version = u.schema_version, version = u.version, updated_at = u.updated_at
  from unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[]) as u(id, schema_version, version, updated_at)
 where t.id = u.id`;

/**
 * {@link recordSchemaVersion} for many tenants in ONE control transaction (`migrate up` writes the
 * ledger in batches): the rows locked in one query (id order), every changed row updated and its
 * `TenantUpdated` appended exactly as the single-tenant call does (same versions, snapshot,
 * `changed_fields`; the test compares them), one NOTIFY. An entry whose tenant does not exist gets
 * its own error and does not stop the others; a database error fails the whole call (nothing kept).
 * Outcomes come back in the order of `entries`.
 *
 * Plain SQL on the ORM's own pool (4 round trips per batch whatever its size): through the
 * EntityManager, hydrating, change-tracking and serializing a few hundred rows cost more CPU than
 * the schema migrations they record.
 */
export async function recordSchemaVersions(
  orm: ControlOrm,
  entries: readonly { tenantId: string; schemaVersion: string }[],
  meta: EventMeta = {},
): Promise<SchemaVersionRecordOutcome[]> {
  if (entries.length === 0) return [];
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('begin');
    open = true;
    const ids = [...new Set(entries.map((entry) => entry.tenantId))];
    type Row = TenantColumns & { plan_found: string | null };
    const byId = new Map((await client.query<Row>(LOCKED_TENANTS, [ids])).rows.map((row) => [row.id, row]));
    const changed: Row[] = [];
    const outcomes = entries.map((entry): SchemaVersionRecordOutcome => {
      const row = byId.get(entry.tenantId);
      if (!row) return { tenantId: entry.tenantId, error: new TenantNotFoundError(entry.tenantId) };
      if (row.schema_version === entry.schemaVersion) return { tenantId: entry.tenantId, changed: false };
      if (row.plan_found === null) throw new Error(`Plan ${row.plan_id} of tenant ${row.id} does not exist.`);
      if (!changed.includes(row)) changed.push(row);
      row.schema_version = entry.schemaVersion;
      row.version += 1;
      row.updated_at = new Date();
      return { tenantId: entry.tenantId, changed: true };
    });
    if (changed.length > 0) {
      await client.query(UPDATE_TENANTS, [changed.map((r) => r.id), changed.map((r) => r.schema_version), changed.map((r) => r.version), changed.map((r) => r.updated_at)]);
      const events = changed.map((row) =>
        createTenantEvent('TenantUpdated', { tenant: toTenantSnapshot(row, row.plan_user_limit ?? null, row.move), changed_fields: ['schema_version'] }, {
          tenantversion: row.version,
          ...eventTraceContext(meta),
        }),
      );
      await appendToOutbox(client, events.map((event, i) => ({ tenantId: changed[i].id, tenantVersion: changed[i].version, event })));
    }
    open = false;
    await client.query('commit');
    return outcomes;
  } catch (error) {
    if (open) await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
