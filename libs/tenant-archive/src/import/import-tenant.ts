import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertTenantImportable,
  erasedUserIds,
  placeImportedTenant,
  restoreTenantControlRows,
  type TenantControlRows,
} from '@tenantry/control-db';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { eraseUserProfile, migrateTenantSchema, restoreTenantSchema, schemaNameFor, undoTenantSchemaRestore } from '@tenantry/tenant-schema';
import { v7 as uuidv7 } from 'uuid';
import type { TenantArchiveDeps } from '../deps.ts';
import { archiveContentMismatch, archiveInvalid } from '../errors.ts';
import { PARTS, type ArchiveManifest } from '../format/index.ts';
import { readArchive } from '../format/index.ts';
import { cloneSlug } from './clone-slug.ts';

export interface ImportTenantOptions {
  /** The tenant database to restore on (must be open); default: the placement rule of new tenants. */
  database?: string;
  /** A clone: new id, slug, schema and role, no RUT (unique among tenants), no event history. */
  asNew?: boolean;
  traceparent?: string;
  /** Longest wait for a lock while migrating an older schema up (default 10 s). */
  lockTimeoutMs?: number;
  /** This installation's tenant migrations (default: all of `tenant-migrations/`). */
  migrations?: readonly TenantMigration[];
}

export interface ImportTenantResult {
  tenant: TenantSnapshot;
  manifest: ArchiveManifest;
  /** Tenant migrations applied after the restore (the archive was older). */
  migrated: string[];
}

/** Statuses whose role may log in (the others were locked out when the archive was taken). */
const LOGIN_STATUSES = new Set(['active', 'pending_setup', 'setup_failed']);

/**
 * Restores a tenant from an archive. Checks the whole archive first (readArchive), then whether the
 * id, slug and RUT are free; only then restores the schema and role on the chosen database, checks
 * that it holds what the manifest counted, migrates it up when older, and writes the control rows
 * with the events of a newly created tenant. A failure at any step undoes the steps before it:
 * no schema, role or control row is left behind.
 */
export async function importTenant(deps: TenantArchiveDeps, file: string, options: ImportTenantOptions = {}): Promise<ImportTenantResult> {
  const work = await mkdtemp(join(tmpdir(), 'tenantry-import-'));
  try {
    const migrations = options.migrations ?? tenantMigrations;
    const manifest = await readArchive(file, work, migrations);
    const rows = await readControlRows(file, work, manifest);
    const id = options.asNew ? uuidv7() : manifest.tenant_id;
    const target = {
      id,
      slug: options.asNew ? cloneSlug(rows.tenant.slug) : rows.tenant.slug,
      rut: options.asNew ? null : rows.tenant.rut,
      schemaName: schemaNameFor(id),
    };
    await assertTenantImportable(deps.orm, target);
    const database = await placeImportedTenant(deps.orm, options.database);
    const databaseUrl = await deps.databases.url(database);
    const restored = await restoreTenantSchema({
      databaseUrl,
      dumpFile: join(work, PARTS.schema),
      fromTenantId: manifest.tenant_id,
      toTenantId: id,
      login: LOGIN_STATUSES.has(rows.tenant.status),
      pgBinDir: deps.pgBinDir,
    });
    try {
      assertSameContents(file, manifest, restored);
      const migrated = await migrateUp(deps, database, target.schemaName, migrations, options.lockTimeoutMs ?? 10_000);
      await dropErasedProfiles(deps, database, id, rows);
      const tenant = await restoreTenantControlRows(
        deps.orm,
        rows,
        { ...target, schemaVersion: migrated.length ? migrated[migrated.length - 1] : restored.schemaVersion, database, asNew: Boolean(options.asNew) },
        { traceparent: options.traceparent },
      );
      deps.logger.info({ tenant_id: id, from_tenant_id: manifest.tenant_id, database, migrated }, 'tenant imported');
      return { tenant, manifest, migrated };
    } catch (error) {
      // The caller reports the error itself; this says what is being undone.
      deps.logger.info({ tenant_id: id, database, code: (error as { code?: string }).code }, 'tenant import failed after the schema was restored; dropping it');
      await undoTenantSchemaRestore(databaseUrl, id, { dropRole: restored.roleCreated });
      throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function readControlRows(file: string, dir: string, manifest: ArchiveManifest): Promise<TenantControlRows> {
  let rows: TenantControlRows;
  try {
    rows = {
      tenant: JSON.parse(await readFile(join(dir, PARTS.tenant), 'utf8')),
      members: JSON.parse(await readFile(join(dir, PARTS.members), 'utf8')),
      events: JSON.parse(await readFile(join(dir, PARTS.events), 'utf8')),
    };
  } catch (error) {
    throw archiveInvalid(file, `a control part is not JSON (${(error as Error).message})`);
  }
  if (rows.tenant?.id !== manifest.tenant_id) throw archiveContentMismatch(file, `the tenant row is ${String(rows.tenant?.id)}, the manifest names ${manifest.tenant_id}`);
  if (!Array.isArray(rows.members) || rows.members.length !== manifest.control_counts.members) throw archiveContentMismatch(file, 'member count');
  if (!Array.isArray(rows.events) || rows.events.length !== manifest.control_counts.events) throw archiveContentMismatch(file, 'event count');
  return rows;
}

/** The restored schema holds the manifest's version and exactly its row counts, table by table. */
function assertSameContents(file: string, manifest: ArchiveManifest, restored: { schemaVersion: string | null; rowCounts: Record<string, number> }): void {
  if (restored.schemaVersion !== manifest.schema_version) {
    throw archiveContentMismatch(file, `the schema is at ${restored.schemaVersion}, the manifest says ${manifest.schema_version}`);
  }
  const tables = new Set([...Object.keys(manifest.row_counts), ...Object.keys(restored.rowCounts)]);
  for (const table of tables) {
    if (manifest.row_counts[table] !== restored.rowCounts[table]) {
      throw archiveContentMismatch(file, `table ${table} has ${restored.rowCounts[table] ?? 'no'} rows, the manifest counted ${manifest.row_counts[table] ?? 'none'}`);
    }
  }
}

/**
 * An erased user stays erased: the profile copies of members erased here since the export are
 * deleted from the restored schema (the control rows leave them out likewise).
 */
async function dropErasedProfiles(deps: TenantArchiveDeps, database: string, tenantId: string, rows: TenantControlRows): Promise<void> {
  const erased = await erasedUserIds(deps.orm, rows.members.map((member) => member.user.id));
  if (erased.length === 0) return;
  await deps.databases.use(database, async (orm) => {
    for (const userId of erased) await eraseUserProfile(orm, tenantId, userId);
  });
  deps.logger.info({ tenant_id: tenantId, erased_members: erased.length }, 'members erased since the export left out of the import');
}

async function migrateUp(deps: TenantArchiveDeps, database: string, schemaName: string, migrations: readonly TenantMigration[], lockTimeoutMs: number): Promise<string[]> {
  return deps.databases.use(database, async (orm) => {
    const result = await migrateTenantSchema(orm, schemaName, { migrations, lockTimeoutMs });
    return result.found ? result.applied : [];
  });
}
