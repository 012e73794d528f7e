import { TenantryError, type ErrorCode, type TenantryErrorOptions } from '@tenantry/errors';

/**
 * An archive refused or an export/import that could not be done. `code` is stable (listed in the
 * README); nothing an import refuses leaves a schema, role or control row behind.
 */
export class TenantArchiveError extends TenantryError {
  constructor(code: ErrorCode, message: string, options: TenantryErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Not a tenant archive at all: not a tar file, no readable manifest, an entry it may not hold. */
export const archiveInvalid = (file: string, why: string) =>
  new TenantArchiveError('TNT_ERR_ARCHIVE_INVALID', `${file} is not a usable tenant archive: ${why}. Nothing was imported.`);

export const archivePartMissing = (file: string, part: string) =>
  new TenantArchiveError('TNT_ERR_ARCHIVE_PART_MISSING', `${file} lacks ${part}, which its manifest lists: the archive is partial. Nothing was imported.`);

export const archiveChecksumMismatch = (file: string, part: string) =>
  new TenantArchiveError(
    'TNT_ERR_ARCHIVE_CHECKSUM_MISMATCH',
    `${part} in ${file} does not match the sha256 its manifest gives: the archive was altered or damaged. Nothing was imported.`,
  );

export const archiveFormatUnsupported = (file: string, found: unknown, supported: number) =>
  new TenantArchiveError(
    'TNT_ERR_ARCHIVE_FORMAT_UNSUPPORTED',
    `${file} has archive format version ${JSON.stringify(found)}; this installation reads version ${supported}. Nothing was imported.`,
  );

export const archiveSchemaTooNew = (file: string, version: string, latest: string) =>
  new TenantArchiveError(
    'TNT_ERR_ARCHIVE_SCHEMA_TOO_NEW',
    `${file} holds a tenant schema at ${version}, which this installation does not know (its newest tenant migration is ${latest}): ` +
      `upgrade this installation first. Nothing was imported.`,
  );

export const archiveContentMismatch = (file: string, what: string) =>
  new TenantArchiveError('TNT_ERR_ARCHIVE_CONTENT_MISMATCH', `${file} does not hold what its manifest says (${what}). Nothing was imported.`);
