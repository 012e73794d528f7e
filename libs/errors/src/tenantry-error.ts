import { ERRORS, type ErrorCode } from './error-codes.ts';

export interface TenantryErrorOptions {
  cause?: unknown;
}

/**
 * The one base of Tenantry's errors: a stable `code` from ERRORS, whose entry fixes the HTTP
 * `statusCode` and whether retrying the same call can succeed (`retriable`), so a worker decides
 * between "retry later" and "dead-letter now", and an app how to answer, without parsing messages.
 */
export class TenantryError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, { cause }: TenantryErrorOptions = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = ERRORS[code].status;
    this.retriable = ERRORS[code].retriable;
  }
}
