export { readArchiveEntries, writeArchiveEntries, type ArchiveEntry } from './archive-files.ts';
