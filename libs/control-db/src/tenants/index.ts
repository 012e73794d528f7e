export * from './append-tenant-event.ts';
export * from './tenant-commands.ts';
export * from './tenant-queries.ts';
export * from './tenant-member-counts.ts';
export * from './tenant-status-counts.ts';
export * from './tenant-labels.ts';
export * from './refuse-tombstone.ts';
