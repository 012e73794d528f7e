/**
 * The contract's version (README "Versioning"). v2: personal fields sealed per subject
 * (crypto-shredding), `TenantPurged`, tenant status `purged`, nullable name/slug/email.
 */
export const CONTRACT_VERSION = '2.0';
