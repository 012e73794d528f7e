import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InvalidStateError, readTenantControlRows, readTenantPlacement, TenantNotFoundError } from '@tenantry/control-db';
import type { Pool } from 'pg';
import { dumpTenantSchema } from '@tenantry/tenant-schema';
import type { TenantArchiveDeps } from '../deps.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, PARTS, type ArchiveManifest } from '../format/index.ts';
import { digestParts, writeArchive } from '../format/index.ts';

export interface ExportTenantResult {
  file: string;
  manifest: ArchiveManifest;
  bytes: number;
}

/**
 * Writes one archive of the tenant to `outFile`: its schema dumped in one snapshot (the tenant keeps
 * working meanwhile), its control rows, and the manifest. `outFile` appears only when complete.
 */
export async function exportTenant(deps: TenantArchiveDeps, tenantId: string, outFile: string): Promise<ExportTenantResult> {
  const database = await assertExportable(deps, tenantId);
  const work = await mkdtemp(join(tmpdir(), 'tenantry-export-'));
  try {
    await mkdir(join(work, 'control'));
    const dump = await dumpTenantSchema({ databaseUrl: await deps.databases.url(database), tenantId, outFile: join(work, PARTS.schema), pgBinDir: deps.pgBinDir });
    const control = await readTenantControlRows(deps.orm, tenantId);
    await writeFile(join(work, PARTS.tenant), JSON.stringify(control.tenant));
    await writeFile(join(work, PARTS.members), JSON.stringify(control.members));
    await writeFile(join(work, PARTS.events), JSON.stringify(control.events));
    const manifest: ArchiveManifest = {
      format: ARCHIVE_FORMAT,
      format_version: ARCHIVE_FORMAT_VERSION,
      tenant_id: tenantId,
      schema_name: dump.schemaName,
      schema_version: dump.schemaVersion,
      database,
      created_at: new Date().toISOString(),
      row_counts: dump.rowCounts,
      control_counts: { members: control.members.length, events: control.events.length },
      parts: await digestParts(work),
    };
    await mkdir(dirname(outFile), { recursive: true });
    await writeArchive(outFile, work, manifest);
    const { size: bytes } = await stat(outFile);
    deps.logger.info({ tenant_id: tenantId, file: outFile, bytes, database }, 'tenant exported');
    return { file: outFile, manifest, bytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Statuses whose schema is not (or no longer) complete: nothing to export. */
const UNEXPORTABLE = new Set(['pending_setup', 'setup_failed', 'purged']);

/** The tenant's database, once it is known to exist with a provisioned schema. */
export async function assertExportable(deps: TenantArchiveDeps, tenantId: string): Promise<string> {
  const pool = (await deps.orm.em.getConnection().getNativeClient()) as Pool;
  const placement = await readTenantPlacement(pool, deps.orm.config.get('schema')!, tenantId);
  if (!placement) throw new TenantNotFoundError(tenantId);
  if (UNEXPORTABLE.has(placement.status)) throw new InvalidStateError(`Tenant ${tenantId} is ${placement.status}: it has no complete schema to export.`);
  return placement.database;
}
