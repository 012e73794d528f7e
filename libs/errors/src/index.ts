export { ERRORS, isErrorCode, type ErrorCode, type ErrorSpec } from './error-codes.ts';
export { TenantryError, type TenantryErrorOptions } from './tenantry-error.ts';
