export { quoteIdentifier, qualifiedName, InvalidIdentifierError } from './quote-identifier.ts';
export { probePostgres, postgresAnswers } from './probe-postgres.ts';
