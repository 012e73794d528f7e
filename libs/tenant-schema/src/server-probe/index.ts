export { probeDatabase, checkTenantDatabaseServer, parseDatabaseUrl } from './probe-database.ts';
export type { DatabaseFacts, ProbeOptions } from './probe-database.ts';
export { MIN_SERVER_VERSION_NUM, majorVersionOf, unsupportedServerReason } from './server-version.ts';
export { InvalidDatabaseUrlError, DatabaseUnreachableError, UnsupportedServerError } from './errors.ts';
