// Identifier quoting is @tenantry/sql's (one definition for every data lib); this module is the
// schema folder's door to it, so the concerns of this lib import it from one place.
export { quoteIdentifier, qualifiedName } from '@tenantry/sql';
