// Row shapes every concern reads: column lists and the mappers from rows to records and snapshots.
// The bottom of the lib's folders (above orm/ and entities/): tenants, members, users, databases,
// moves and the schema ledger all build on it, so none of them has to import another's folder for a row.
export * from './tenant-snapshot.ts';
export * from './member-row.ts';
export * from './caller-row.ts';
