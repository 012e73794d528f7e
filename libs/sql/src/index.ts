export { quoteIdentifier, qualifiedName, InvalidIdentifierError } from './quote-identifier.ts';
export { trySessionLock, type SessionLock } from './session-lock.ts';
