import { TenantryError, type ErrorCode } from '@tenantry/errors';

/**
 * Domain errors of the control data. The code's entry in the error list gives its HTTP status; the
 * throw site knows what went wrong, the caller decides how to answer.
 */
export class ControlError extends TenantryError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

export class TenantNotFoundError extends ControlError {
  constructor(id: string) {
    super('TNT_ERR_TENANT_NOT_FOUND', `Tenant ${id} does not exist.`);
  }
}

/** A unique field (slug, rut, email, membership) is already taken. */
export class ConflictError extends ControlError {
  readonly field: string;
  constructor(code: ErrorCode, field: string, message: string) {
    super(code, message);
    this.field = field;
  }
}

export class VersionMismatchError extends ControlError {
  constructor(expected: string, actual: number) {
    super('TNT_ERR_VERSION_MISMATCH', `If-Match ${expected} does not match the current version W/"${actual}".`);
  }
}

export class InvalidStateError extends ControlError {
  constructor(message: string) {
    super('TNT_ERR_INVALID_STATE', message);
  }
}

const UNIQUE_VIOLATION = '23505';

/** Turns a PostgreSQL unique violation on a known constraint into a ConflictError; rethrows anything else. */
export function rethrowUniqueViolation(error: unknown): never {
  const cause = error as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const code = cause.code ?? cause.cause?.code;
  const constraint = cause.constraint ?? cause.cause?.constraint ?? '';
  if (code === UNIQUE_VIOLATION || /unique constraint/i.test(String((error as Error).message))) {
    const text = `${constraint} ${(error as Error).message}`;
    if (text.includes('tenants_slug_key')) throw new ConflictError('TNT_ERR_SLUG_TAKEN', 'slug', 'This slug is already taken.');
    if (text.includes('tenants_rut_key')) throw new ConflictError('TNT_ERR_RUT_TAKEN', 'rut', 'Another tenant already has this RUT.');
    if (text.includes('users_email_key')) throw new ConflictError('TNT_ERR_EMAIL_TAKEN', 'email', 'A user with this email already exists.');
  }
  throw error;
}
