export { quoteIdentifier, qualifiedName, InvalidIdentifierError } from './quote-identifier.ts';
export { probePostgres, postgresAnswers } from './probe-postgres.ts';
export { trySessionLock, type SessionLock } from './session-lock.ts';
