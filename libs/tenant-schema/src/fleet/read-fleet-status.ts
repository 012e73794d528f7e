import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { readAppliedMigrations, readTenantCatalog, type CatalogSchema } from './fleet-catalog.ts';
import { PROVISIONED_STATUSES, type FleetLedger, type FleetLedgerEntry } from './ledger.ts';
import { RecyclingClient } from './recycling-client.ts';

/**
 * Where a schema stands: `up-to-date`, `pending` (migrations to apply), `not-provisioned` (no
 * schema yet and none expected: pending_setup / setup_failed), `missing` (the tenant should have a
 * schema and has none), `orphan` (a schema without a tenant in the control ledger), `misplaced`
 * (a tenant's schema on another database than the one the ledger places it on), `moving` (the
 * schema an unfinished move is building on its target database).
 */
export type SchemaState = 'up-to-date' | 'pending' | 'not-provisioned' | 'missing' | 'orphan' | 'misplaced' | 'moving';

/**
 * Disagreements that need an operator: the ledger names another version than the schema holds,
 * the schema is missing or orphaned, the schema holds migrations this code does not know, or the
 * schema sits on another database than the ledger's placement.
 */
export type DriftKind = 'ledger-mismatch' | 'schema-missing' | 'orphan-schema' | 'unknown-migrations' | 'wrong-database';

/** Every drift kind at 0: the shape of `FleetSummary.driftByKind`. */
export function noDrift(): Record<DriftKind, number> {
  return { 'ledger-mismatch': 0, 'schema-missing': 0, 'orphan-schema': 0, 'unknown-migrations': 0, 'wrong-database': 0 };
}

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
  /** The database this status was read on, when the caller named it. */
  database?: string;
  /** Where the ledger places the tenant, on a `misplaced` or `moving` schema (another database than this one). */
  ledgerDatabase?: string;
  /** The target of the tenant's unfinished move, when it has one. */
  moveTo?: string;
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
  /**
   * This database's name in the registry. Ledger entries placed on another database are not its
   * tenants: a schema of theirs found here is drift (`wrong-database`), or `moving` when it is the
   * target of the tenant's unfinished move. Unnamed: every entry belongs here (one database).
   */
  database?: string;
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
  database,
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
      database,
    });
    return {
      summary: summarize(schemas, schemas.filter((s) => s.tenantId !== null && isPlacedHere(s)).length, migrations),
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

/** Whether a status is about a tenant placed on the database it was read on (not a stray or a move's target). */
export function isPlacedHere(status: SchemaStatus): boolean {
  return status.state !== 'misplaced' && status.state !== 'moving';
}

/**
 * The pure part: ledger entries + catalog + applied names → one status per tenant placed on this
 * database (ledger order), then one per schema nobody placed here: a schema of a tenant placed on
 * another database (`misplaced`, or `moving` on its move's target) or an orphan. `applied` lacks a
 * schema that vanished or has no tracking table. Without `database`, every entry is placed here.
 */
export function compareFleet(
  entries: readonly FleetLedgerEntry[],
  catalog: readonly CatalogSchema[],
  applied: ReadonlyMap<string, readonly string[]>,
  migrations: readonly TenantMigration[],
  { includeOrphans = true, database }: { includeOrphans?: boolean; database?: string } = {},
): SchemaStatus[] {
  const known = new Set(migrations.map((m) => m.name));
  const present = new Set(catalog.map((schema) => schema.schemaName));
  const owned = new Set<string>();
  const elsewhere = new Map<string, FleetLedgerEntry>();
  const statuses: SchemaStatus[] = [];
  const stamp = (status: SchemaStatus) => {
    if (database !== undefined) status.database = database;
    statuses.push(status);
  };

  for (const entry of entries) {
    if (database !== undefined && entry.database !== undefined && entry.database !== database) {
      elsewhere.set(entry.schemaName, entry);
      continue;
    }
    owned.add(entry.schemaName);
    const exists = present.has(entry.schemaName);
    const names = applied.get(entry.schemaName) ?? [];
    const status = schemaStatus(entry.schemaName, exists, names, migrations, known);
    status.tenantId = entry.tenantId;
    status.tenantStatus = entry.status;
    status.ledgerVersion = entry.schemaVersion;
    if (entry.moveTo) status.moveTo = entry.moveTo;
    if (!exists) {
      const expected = entry.schemaVersion !== null || PROVISIONED_STATUSES.has(entry.status);
      status.state = expected ? 'missing' : 'not-provisioned';
      status.pending = [];
      if (expected) status.drift.push('schema-missing');
    } else if (entry.schemaVersion !== status.appliedVersion) {
      status.drift.push('ledger-mismatch');
    }
    stamp(status);
  }
  for (const schema of catalog) {
    if (owned.has(schema.schemaName)) continue;
    const placed = elsewhere.get(schema.schemaName);
    if (!placed && !includeOrphans) continue;
    const status = schemaStatus(schema.schemaName, true, applied.get(schema.schemaName) ?? [], migrations, known);
    if (placed) {
      status.tenantId = placed.tenantId;
      status.tenantStatus = placed.status;
      status.ledgerVersion = placed.schemaVersion;
      status.ledgerDatabase = placed.database;
      if (placed.moveTo === database) {
        // The move engine builds this schema at the source's version; it is not migrate up's to touch.
        status.state = 'moving';
        status.moveTo = placed.moveTo;
        status.pending = [];
      } else {
        status.state = 'misplaced';
        status.drift.push('wrong-database');
      }
    } else {
      status.state = 'orphan';
      status.drift.push('orphan-schema');
    }
    stamp(status);
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
  const driftByKind = noDrift();
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
