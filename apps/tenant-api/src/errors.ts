/**
 * Every error code tenant-api answers with, its HTTP status and title. One list, so the docs and
 * the problem+json handler cannot drift (a test checks the README lists each code).
 */
export const ERROR_CODES = {
  TNT_ERR_MALFORMED_REQUEST: { status: 400, title: 'Malformed request' },
  TNT_ERR_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  TNT_ERR_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  TNT_ERR_BAD_CREDENTIALS: { status: 401, title: 'Invalid email or password' },
  TNT_ERR_FORBIDDEN: { status: 403, title: 'Forbidden' },
  TNT_ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  TNT_ERR_TENANT_NOT_FOUND: { status: 404, title: 'Tenant not found' },
  TNT_ERR_MEMBER_NOT_FOUND: { status: 404, title: 'Member not found' },
  TNT_ERR_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  TNT_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  TNT_ERR_SLUG_TAKEN: { status: 409, title: 'Slug already taken' },
  TNT_ERR_ALREADY_MEMBER: { status: 409, title: 'Already a member' },
  TNT_ERR_USER_LIMIT: { status: 409, title: 'User limit reached' },
  TNT_ERR_USER_LIMIT_TOO_LOW: { status: 409, title: 'User limit below the current members' },
  TNT_ERR_LAST_ADMIN: { status: 409, title: 'Last active admin' },
  TNT_ERR_GROUP_NAME_TAKEN: { status: 409, title: 'Group name already taken' },
  TNT_ERR_IDEMPOTENCY_KEY_REUSED: { status: 409, title: 'Idempotency key reused with another request' },
  TNT_ERR_RUT_TAKEN: { status: 409, title: 'RUT already registered' },
  TNT_ERR_EMAIL_TAKEN: { status: 409, title: 'Email already registered' },
  TNT_ERR_INVALID_STATE: { status: 409, title: 'Not allowed in the current state' },
  TNT_ERR_MOVE_REFUSED: { status: 409, title: 'Tenant move refused' },
  TNT_ERR_TENANT_NOT_DEACTIVATED: { status: 409, title: 'Tenant not deactivated' },
  TNT_ERR_PURGE_TOO_EARLY: { status: 409, title: 'Tenant not deactivated long enough to purge' },
  TNT_ERR_PURGE_BUSY: { status: 409, title: 'Tenant purge running elsewhere' },
  TNT_ERR_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  TNT_ERR_VERSION_MISMATCH: { status: 412, title: 'Precondition failed' },
  TNT_ERR_BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  TNT_ERR_UNPROCESSABLE: { status: 422, title: 'Validation failed' },
  TNT_ERR_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  TNT_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  TNT_ERR_INTERNAL: { status: 500, title: 'Internal error' },
  TNT_ERR_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldErrors = Record<string, string[]>;

/** An error meant for the client: carries its code, a detail sentence and optional field errors. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly errors?: FieldErrors;
  constructor(code: ErrorCode, detail: string, errors?: FieldErrors) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
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
