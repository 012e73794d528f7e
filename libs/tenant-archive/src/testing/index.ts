export { removeTenantForTest } from './remove-tenant-for-test.ts';
export { readArchiveEntries, writeArchiveEntries, type ArchiveEntry } from './archive-files.ts';
