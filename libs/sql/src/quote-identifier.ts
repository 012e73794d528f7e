import { TenantryError } from '@tenantry/errors';

/** An SQL identifier that PostgreSQL would reject or silently truncate: no retry can make the name valid. */
export class InvalidIdentifierError extends TenantryError {
  constructor(reason: string) {
    super('TNT_ERR_INVALID_IDENTIFIER', `Refusing to use SQL identifier: ${reason}.`);
  }
}

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated, which could merge two names. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Double-quotes one SQL identifier. Every schema, role, database and table name the data libs put
 * into SQL goes through here, even the ones derived from a validated UUID.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidIdentifierError('it is empty');
  }
  if (name.includes('\0')) {
    throw new InvalidIdentifierError('it contains a NUL character');
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new InvalidIdentifierError(`it is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
