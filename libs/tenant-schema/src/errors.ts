/**
 * Errors of this library carry a stable `code` and whether retrying the same call can succeed, so
 * a worker can decide between "retry later" and "dead-letter now" without parsing messages.
 */
export class TenantSchemaError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, { retriable = false, cause }: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TenantSchemaError';
    this.code = code;
    this.retriable = retriable;
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
