import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readTenantControlRows, TenantNotFoundError } from '@tenantry/control-db';
import { dumpTenantSchema } from '@tenantry/tenant-schema';
import type { TenantArchiveDeps } from '../deps.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, PARTS, type ArchiveManifest } from '../format/manifest.ts';
import { digestParts, writeArchive } from '../format/write-archive.ts';

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
  const database = await deps.databases.placementOf(tenantId);
  if (!database) throw new TenantNotFoundError(tenantId);
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
