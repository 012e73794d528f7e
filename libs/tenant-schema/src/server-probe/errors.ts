import { TenantSchemaError } from '../errors.ts';

// These messages never contain the URL (it may hold a password): the caller names the server with
// a redacted copy.

export class InvalidDatabaseUrlError extends TenantSchemaError {
  constructor(reason: string) {
    super('TNT_ERR_DATABASE_URL_INVALID', `The database URL is not usable: ${reason}.`);
    this.name = 'InvalidDatabaseUrlError';
  }
}

export class DatabaseUnreachableError extends TenantSchemaError {
  constructor(reason: string, cause?: unknown) {
    super('TNT_ERR_DATABASE_UNREACHABLE', `Cannot connect to the database: ${reason}.`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

export class UnsupportedServerError extends TenantSchemaError {
  constructor(reason: string) {
    super('TNT_ERR_DATABASE_UNSUPPORTED', `The server cannot hold tenant schemas: ${reason}.`);
    this.name = 'UnsupportedServerError';
  }
}
