import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { readAppliedMigrations, readTenantCatalog, type CatalogSchema } from './fleet-catalog.ts';
import { PROVISIONED_STATUSES, type FleetLedger, type FleetLedgerEntry } from './fleet-ledger.ts';
import { RecyclingClient } from './recycling-client.ts';

/**
 * Where a schema stands: `up-to-date`, `pending` (migrations to apply), `not-provisioned` (no
 * schema yet and none expected: pending_setup / setup_failed), `missing` (the tenant should have a
 * schema and has none), `orphan` (a schema without a tenant in the control ledger).
 */
export type SchemaState = 'up-to-date' | 'pending' | 'not-provisioned' | 'missing' | 'orphan';

/**
 * Disagreements that need an operator: the ledger names another version than the schema holds,
 * the schema is missing or orphaned, or the schema holds migrations this code does not know.
 */
export type DriftKind = 'ledger-mismatch' | 'schema-missing' | 'orphan-schema' | 'unknown-migrations';

export interface SchemaStatus {
  tenantId: string | null;
  schemaName: string;
  tenantStatus: string | null;
  /** `<control>.tenants.schema_version`. */
  ledgerVersion: string | null;
  /** Last migration in the schema's own `mikro_orm_migrations` (null: no schema or nothing applied). */
  appliedVersion: string | null;
  appliedCount: number;
  pending: string[];
  /** Applied in the schema but absent from the migration list (the schema is ahead of this code). */
  unknown: string[];
  state: SchemaState;
  drift: DriftKind[];
}

export interface FleetSummary {
  tenants: number;
  schemas: number;
  upToDate: number;
  pendingSchemas: number;
  pendingMigrations: number;
  notProvisioned: number;
  drift: number;
  driftByKind: Record<DriftKind, number>;
  /** Schemas per applied version (`(none)` for a schema without migrations). */
  byVersion: Record<string, number>;
  /** The newest migration of the list: what an up-to-date schema holds. */
  latest: string;
}

export interface FleetStatus {
  summary: FleetSummary;
  schemas: SchemaStatus[];
  /** How the status was read, for the operator's sense of cost. */
  reads: { durationMs: number; connections: number; batches: number };
}

export interface FleetReadOptions {
  databaseUrl: string;
  ledger: FleetLedger;
  migrations?: readonly TenantMigration[];
  /** Only these tenants (orphan schemas are then not reported). */
  tenantIds?: readonly string[];
  /** Tracking tables read per UNION ALL query (default 200). */
  batchSize?: number;
  /** Tenant schemas one backend may touch before it is replaced (default 1000). */
  schemasPerConnection?: number;
  /** Connections reading tracking tables at the same time (default 3). */
  readers?: number;
}

/**
 * Per-schema status of the whole fleet from three bulk reads: the control ledger, one catalog query
 * over pg_namespace, and the tracking tables `batchSize` schemas per query on recycled connections.
 */
export async function readFleetStatus({
  databaseUrl,
  ledger,
  migrations = tenantMigrations,
  tenantIds,
  batchSize = 200,
  schemasPerConnection = 1000,
  readers = 3,
}: FleetReadOptions): Promise<FleetStatus> {
  const started = performance.now();
  const clients = Array.from(
    { length: Math.max(1, readers) },
    () => new RecyclingClient({ databaseUrl, applicationName: 'tenantry-migrate-status', schemasPerConnection, lockTimeoutMs: 5000 }),
  );
  const [client] = clients;
  try {
    const [entries, catalog] = await Promise.all([ledger.read(), readTenantCatalog(client)]);
    const wanted = tenantIds ? new Set(tenantIds) : undefined;
    const selected = wanted ? entries.filter((entry) => wanted.has(entry.tenantId)) : entries;
    const selectedSchemas = wanted ? new Set(selected.map((entry) => entry.schemaName)) : undefined;
    const tracked = catalog.filter((schema) => schema.tracked && (!selectedSchemas || selectedSchemas.has(schema.schemaName)));
    const applied = await readAppliedMigrations(
      clients,
      tracked.map((schema) => schema.schemaName),
      batchSize,
    );
    const schemas = compareFleet(selected, wanted ? catalog.filter((s) => selectedSchemas!.has(s.schemaName)) : catalog, applied, migrations, {
      includeOrphans: !wanted,
    });
    return {
      summary: summarize(schemas, selected.length, migrations),
      schemas,
      reads: {
        durationMs: Math.round(performance.now() - started),
        connections: clients.reduce((sum, c) => sum + c.connections, 0),
        batches: Math.ceil(tracked.length / batchSize),
      },
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/**
 * The pure part: ledger entries + catalog + applied names → one status per tenant (ledger order),
 * then one per orphan schema. `applied` lacks a schema that vanished or has no tracking table.
 */
export function compareFleet(
  entries: readonly FleetLedgerEntry[],
  catalog: readonly CatalogSchema[],
  applied: ReadonlyMap<string, readonly string[]>,
  migrations: readonly TenantMigration[],
  { includeOrphans = true }: { includeOrphans?: boolean } = {},
): SchemaStatus[] {
  const known = new Set(migrations.map((m) => m.name));
  const present = new Set(catalog.map((schema) => schema.schemaName));
  const owned = new Set<string>();
  const statuses: SchemaStatus[] = [];

  for (const entry of entries) {
    owned.add(entry.schemaName);
    const exists = present.has(entry.schemaName);
    const names = applied.get(entry.schemaName) ?? [];
    const status = schemaStatus(entry.schemaName, exists, names, migrations, known);
    status.tenantId = entry.tenantId;
    status.tenantStatus = entry.status;
    status.ledgerVersion = entry.schemaVersion;
    if (!exists) {
      const expected = entry.schemaVersion !== null || PROVISIONED_STATUSES.has(entry.status);
      status.state = expected ? 'missing' : 'not-provisioned';
      status.pending = [];
      if (expected) status.drift.push('schema-missing');
    } else if (entry.schemaVersion !== status.appliedVersion) {
      status.drift.push('ledger-mismatch');
    }
    statuses.push(status);
  }
  if (includeOrphans) {
    for (const schema of catalog) {
      if (owned.has(schema.schemaName)) continue;
      const status = schemaStatus(schema.schemaName, true, applied.get(schema.schemaName) ?? [], migrations, known);
      status.state = 'orphan';
      status.drift.push('orphan-schema');
      statuses.push(status);
    }
  }
  return statuses;
}

function schemaStatus(
  schemaName: string,
  exists: boolean,
  names: readonly string[],
  migrations: readonly TenantMigration[],
  known: ReadonlySet<string>,
): SchemaStatus {
  const done = new Set(names);
  const pending = exists ? migrations.filter((m) => !done.has(m.name)).map((m) => m.name) : [];
  const unknown = names.filter((name) => !known.has(name));
  return {
    tenantId: null,
    schemaName,
    tenantStatus: null,
    ledgerVersion: null,
    appliedVersion: names.length > 0 ? names[names.length - 1] : null,
    appliedCount: names.length,
    pending,
    unknown,
    state: pending.length > 0 ? 'pending' : 'up-to-date',
    drift: unknown.length > 0 ? ['unknown-migrations'] : [],
  };
}

function summarize(schemas: readonly SchemaStatus[], tenants: number, migrations: readonly TenantMigration[]): FleetSummary {
  const driftByKind: Record<DriftKind, number> = { 'ledger-mismatch': 0, 'schema-missing': 0, 'orphan-schema': 0, 'unknown-migrations': 0 };
  const byVersion: Record<string, number> = {};
  const summary = { tenants, schemas: 0, upToDate: 0, pendingSchemas: 0, pendingMigrations: 0, notProvisioned: 0, drift: 0 };
  for (const status of schemas) {
    if (status.state === 'not-provisioned') summary.notProvisioned += 1;
    if (status.state === 'up-to-date') summary.upToDate += 1;
    if (status.pending.length > 0) {
      summary.pendingSchemas += 1;
      summary.pendingMigrations += status.pending.length;
    }
    if (status.drift.length > 0) summary.drift += 1;
    for (const kind of status.drift) driftByKind[kind] += 1;
    if (status.state !== 'missing' && status.state !== 'not-provisioned') {
      summary.schemas += 1;
      const version = status.appliedVersion ?? '(none)';
      byVersion[version] = (byVersion[version] ?? 0) + 1;
    }
  }
  return { ...summary, driftByKind, byVersion, latest: migrations[migrations.length - 1]?.name ?? '' };
}
