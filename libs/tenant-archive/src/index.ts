export { exportTenant, type ExportTenantResult } from './export/export-tenant.ts';
export { importTenant, type ImportTenantOptions, type ImportTenantResult } from './import/import-tenant.ts';
export { readArchive } from './format/read-archive.ts';
export { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, MANIFEST_ENTRY, PARTS, type ArchiveManifest } from './format/manifest.ts';
export { TenantArchiveError } from './errors.ts';
export type { TenantArchiveDeps } from './deps.ts';
export { createExportStore, type ExportStore, type ExportRecord } from './export/export-store.ts';
