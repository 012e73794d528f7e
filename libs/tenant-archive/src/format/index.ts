// The folder's door: the archive format (manifest, tar reading and writing) export/ and import/ share.
export * from './manifest.ts';
export * from './read-archive.ts';
export * from './write-archive.ts';
