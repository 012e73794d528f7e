import { LockMode } from '@mikro-orm/core';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import type { ControlOrm } from './control-orm.ts';
import { Tenant } from './entities/index.ts';
import { TenantNotFoundError } from './errors.ts';
import { appendTenantEvent, appendTenantEvents, snapshotOf, type EventMeta } from './tenant-event-log.ts';

/** One row of the schema-version ledger: what the control schema believes a tenant schema holds. */
export interface SchemaLedgerEntry {
  tenantId: string;
  schemaName: string;
  status: string;
  schemaVersion: string | null;
}

/**
 * Every tenant's ledger entry in one query, oldest tenant first: the fleet migration reads the
 * whole ledger at once instead of one tenant at a time.
 */
export async function readSchemaLedger(orm: ControlOrm): Promise<SchemaLedgerEntry[]> {
  const rows = await orm.em.fork().find(
    Tenant,
    {},
    { fields: ['id', 'schema_name', 'status', 'schema_version'], orderBy: { created_at: 'asc', id: 'asc' }, disableIdentityMap: true },
  );
  return rows.map((row) => ({ tenantId: row.id, schemaName: row.schema_name, status: row.status, schemaVersion: row.schema_version ?? null }));
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
    row.version += 1;
    row.updated_at = new Date();
    await em.flush();
    const event = await appendTenantEvent(em, 'TenantUpdated', row, { changed_fields: ['schema_version'] }, meta);
    return { changed: true, tenant: event.data.tenant };
  });
}

/** What {@link recordSchemaVersions} did for one entry: `changed` (false: the ledger held it already) or why not. */
export type SchemaVersionRecordOutcome = { tenantId: string; changed: boolean } | { tenantId: string; error: Error };

/**
 * {@link recordSchemaVersion} for many tenants in ONE control transaction (`migrate up` writes the
 * ledger in batches): the rows locked in one query (id order), every changed row updated and its
 * `TenantUpdated` appended exactly as the single-tenant call does, one NOTIFY. An entry whose
 * tenant does not exist gets its own error and does not stop the others; a database error fails
 * the whole call (nothing kept). Outcomes come back in the order of `entries`.
 */
export async function recordSchemaVersions(
  orm: ControlOrm,
  entries: readonly { tenantId: string; schemaVersion: string }[],
  meta: EventMeta = {},
): Promise<SchemaVersionRecordOutcome[]> {
  if (entries.length === 0) return [];
  return orm.em.fork().transactional(async (em) => {
    const ids = [...new Set(entries.map((entry) => entry.tenantId))];
    const rows = await em.find(Tenant, { id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, orderBy: { id: 'asc' } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const changed: (typeof rows)[number][] = [];
    const outcomes = entries.map((entry): SchemaVersionRecordOutcome => {
      const row = byId.get(entry.tenantId);
      if (!row) return { tenantId: entry.tenantId, error: new TenantNotFoundError(entry.tenantId) };
      if (row.schema_version === entry.schemaVersion) return { tenantId: entry.tenantId, changed: false };
      row.schema_version = entry.schemaVersion;
      row.version += 1;
      row.updated_at = new Date();
      changed.push(row);
      return { tenantId: entry.tenantId, changed: true };
    });
    if (changed.length > 0) {
      await em.flush();
      await appendTenantEvents(em, changed.map((row) => ({ type: 'TenantUpdated' as const, row, extra: { changed_fields: ['schema_version'] } })), meta);
    }
    return outcomes;
  });
}
