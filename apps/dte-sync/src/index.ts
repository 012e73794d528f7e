export { startDteSync } from './worker.ts';
export type { DteSyncDeps, DteSyncWorker } from './worker.ts';
export { ISSUER_FIELDS, touchesIssuer } from './issuer-fields.ts';
