export { quoteIdentifier, qualifiedName, InvalidIdentifierError } from './quote-identifier.ts';
