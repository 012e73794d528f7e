// The DTE issuer rows inside a tenant schema, written from a tenant snapshot (dte-sync) and read back.
export { applyIssuerSnapshot } from './apply-issuer-snapshot.ts';
export type { IssuerSnapshotOutcome } from './apply-issuer-snapshot.ts';
export { readIssuer } from './read-issuer.ts';
export type { IssuerInfo } from './read-issuer.ts';
