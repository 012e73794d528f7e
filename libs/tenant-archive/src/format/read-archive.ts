import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import {
  archiveChecksumMismatch,
  archiveFormatUnsupported,
  archiveInvalid,
  archivePartMissing,
  archiveSchemaTooNew,
  TenantArchiveError,
} from '../errors.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, MANIFEST_ENTRY, PART_NAMES, type ArchiveManifest, type PartName } from './manifest.ts';
import { fileDigest } from './write-archive.ts';

/** A manifest is a few kilobytes; anything far larger is not one. */
const MANIFEST_MAX_BYTES = 1 << 20;

/**
 * Unpacks `file` into `dir` and checks it before anything is imported: a manifest of this format
 * version, exactly the parts it lists (no other entry, none twice), each matching its sha256, and a
 * schema version this installation's tenant migrations know (older ones are migrated up later).
 */
export async function readArchive(file: string, dir: string, migrations: readonly TenantMigration[] = tenantMigrations): Promise<ArchiveManifest> {
  let manifestText: string | undefined;
  const seen = new Set<string>();
  const extract = tar.extract();
  const source = pipeline(createReadStream(file), extract).catch((error: Error) => {
    throw archiveInvalid(file, `it cannot be read as a tar file (${error.message})`);
  });
  try {
    for await (const entry of extract) {
      const { name, type, size = 0 } = entry.header;
      if (seen.has(name)) throw archiveInvalid(file, `it holds ${name} twice`);
      seen.add(name);
      if (type !== 'file') throw archiveInvalid(file, `it holds ${name}, which is not a plain file`);
      if (name === MANIFEST_ENTRY) {
        if (size > MANIFEST_MAX_BYTES) throw archiveInvalid(file, `its manifest is ${size} bytes`);
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        manifestText = Buffer.concat(chunks).toString('utf8');
      } else if ((PART_NAMES as readonly string[]).includes(name)) {
        const target = join(dir, name);
        await mkdir(dirname(target), { recursive: true });
        await pipeline(entry, createWriteStream(target));
      } else {
        throw archiveInvalid(file, `it holds ${JSON.stringify(name.slice(0, 100))}, which no tenant archive has`);
      }
    }
    await source;
  } catch (error) {
    extract.destroy();
    await source.catch(() => undefined);
    if (error instanceof TenantArchiveError) throw error;
    throw archiveInvalid(file, `it cannot be read as a tar file (${(error as Error).message})`);
  }
  if (manifestText === undefined) throw archiveInvalid(file, `it has no ${MANIFEST_ENTRY}`);
  const manifest = parseManifest(file, manifestText);
  for (const part of PART_NAMES) {
    if (!seen.has(part)) throw archivePartMissing(file, part);
    const digest = await fileDigest(join(dir, part));
    if (digest.sha256 !== manifest.parts[part].sha256 || digest.bytes !== manifest.parts[part].bytes) throw archiveChecksumMismatch(file, part);
  }
  assertKnownSchemaVersion(file, manifest.schema_version, migrations);
  return manifest;
}

function parseManifest(file: string, text: string): ArchiveManifest {
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(text) as ArchiveManifest;
  } catch {
    throw archiveInvalid(file, `its ${MANIFEST_ENTRY} is not JSON`);
  }
  if (!manifest || typeof manifest !== 'object' || manifest.format !== ARCHIVE_FORMAT) throw archiveInvalid(file, `its ${MANIFEST_ENTRY} is not a tenant archive manifest`);
  if (manifest.format_version !== ARCHIVE_FORMAT_VERSION) throw archiveFormatUnsupported(file, manifest.format_version, ARCHIVE_FORMAT_VERSION);
  const wellFormed =
    typeof manifest.tenant_id === 'string' &&
    (manifest.schema_version === null || typeof manifest.schema_version === 'string') &&
    manifest.row_counts && typeof manifest.row_counts === 'object' &&
    manifest.parts && typeof manifest.parts === 'object' &&
    PART_NAMES.every((part: PartName) => typeof manifest.parts[part]?.sha256 === 'string' && Number.isInteger(manifest.parts[part]?.bytes));
  if (!wellFormed) throw archiveInvalid(file, `its ${MANIFEST_ENTRY} lacks fields (tenant_id, schema_version, row_counts, parts)`);
  return manifest;
}

/** A schema version this installation knows; a newer (or foreign) one cannot be restored here. */
function assertKnownSchemaVersion(file: string, version: string | null, migrations: readonly TenantMigration[]): void {
  if (version === null) throw archiveInvalid(file, 'its schema was never migrated (no schema_version)');
  if (!migrations.some((migration) => migration.name === version)) throw archiveSchemaTooNew(file, version, migrations[migrations.length - 1].name);
}
