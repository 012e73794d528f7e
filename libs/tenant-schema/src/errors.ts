import { TenantryError, type ErrorCode, type TenantryErrorOptions } from '@tenantry/errors';

/** Errors of this library; the code's entry in the error list says whether a retry can succeed. */
export class TenantSchemaError extends TenantryError {
  constructor(code: ErrorCode, message: string, options: TenantryErrorOptions = {}) {
    super(code, message, options);
    this.name = 'TenantSchemaError';
  }
}

/** The tenant id is not a UUID, so no schema or role name can be derived from it. */
export class InvalidTenantIdError extends TenantSchemaError {
  constructor(value: unknown) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    super(
      'TNT_ERR_INVALID_TENANT_ID',
      `Tenant id ${shown} is not a UUID (expected 8-4-4-4-12 hexadecimal digits); pass the tenant's id as issued by tenant-api.`,
    );
    this.name = 'InvalidTenantIdError';
  }
}

// Raised by quoteIdentifier (@tenantry/sql); exported here as before.
export { InvalidIdentifierError } from '@tenantry/sql';
