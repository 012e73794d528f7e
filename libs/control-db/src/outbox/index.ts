export * from './append-events.ts';
export * from './relay-queries.ts';
export * from './tenant-replay.ts';
