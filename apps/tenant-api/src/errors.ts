import { ERRORS, TenantryError } from '@tenantry/errors';

/**
 * The codes tenant-api answers with: a view of the one error list (@tenantry/errors, documented in
 * docs/errors.md), so the docs and the problem+json handler cannot drift. Other codes of the list
 * reaching the handler are answered 500 (TNT_ERR_INTERNAL), as before they were listed.
 */
const API_CODES = [
  'TNT_ERR_MALFORMED_REQUEST',
  'TNT_ERR_INVALID_CURSOR',
  'TNT_ERR_UNAUTHENTICATED',
  'TNT_ERR_BAD_CREDENTIALS',
  'TNT_ERR_FORBIDDEN',
  'TNT_ERR_NOT_FOUND',
  'TNT_ERR_TENANT_NOT_FOUND',
  'TNT_ERR_MEMBER_NOT_FOUND',
  'TNT_ERR_USER_NOT_FOUND',
  'TNT_ERR_METHOD_NOT_ALLOWED',
  'TNT_ERR_SLUG_TAKEN',
  'TNT_ERR_ALREADY_MEMBER',
  'TNT_ERR_USER_LIMIT',
  'TNT_ERR_USER_LIMIT_TOO_LOW',
  'TNT_ERR_LAST_ADMIN',
  'TNT_ERR_GROUP_NAME_TAKEN',
  'TNT_ERR_IDEMPOTENCY_KEY_REUSED',
  'TNT_ERR_RUT_TAKEN',
  'TNT_ERR_EMAIL_TAKEN',
  'TNT_ERR_INVALID_STATE',
  'TNT_ERR_MOVE_REFUSED',
  'TNT_ERR_TENANT_NOT_DEACTIVATED',
  'TNT_ERR_PURGE_TOO_EARLY',
  'TNT_ERR_PURGE_BUSY',
  'TNT_ERR_REQUEST_TIMEOUT',
  'TNT_ERR_VERSION_MISMATCH',
  'TNT_ERR_BODY_TOO_LARGE',
  'TNT_ERR_UNPROCESSABLE',
  'TNT_ERR_HEADERS_TOO_LARGE',
  'TNT_ERR_RATE_LIMITED',
  'TNT_ERR_INTERNAL',
  'TNT_ERR_UNAVAILABLE',
] as const satisfies readonly (keyof typeof ERRORS)[];

export type ApiErrorCode = (typeof API_CODES)[number];

export const API_ERRORS: Readonly<Record<ApiErrorCode, (typeof ERRORS)[ApiErrorCode]>> = Object.fromEntries(
  API_CODES.map((code) => [code, ERRORS[code]]),
) as Record<ApiErrorCode, (typeof ERRORS)[ApiErrorCode]>;

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, code);
}

export type FieldErrors = Record<string, string[]>;

/** An error meant for the client: carries its code, a detail sentence and optional field errors. */
export class ApiError extends TenantryError {
  declare readonly code: ApiErrorCode;
  readonly errors?: FieldErrors;
  constructor(code: ApiErrorCode, detail: string, errors?: FieldErrors) {
    super(code, detail);
    this.errors = errors;
  }
}

export function fieldError(errors: FieldErrors): ApiError {
  return new ApiError('TNT_ERR_UNPROCESSABLE', 'One or more fields are invalid; see `errors`.', errors);
}

/**
 * Collects field problems, then throws them all at once. Paths come from the client (a field named
 * `constructor` or `__proto__`), so they key a Map and end in an object without a prototype: a
 * path never meets an inherited member.
 */
export class FieldErrorCollector {
  readonly #byPath = new Map<string, string[]>();
  add(path: string, message: string): void {
    const messages = this.#byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    this.#byPath.set(path, messages);
  }
  get errors(): FieldErrors {
    return Object.assign(Object.create(null) as FieldErrors, Object.fromEntries(this.#byPath));
  }
  throwIfAny(): void {
    if (this.#byPath.size > 0) throw fieldError(this.errors);
  }
}
