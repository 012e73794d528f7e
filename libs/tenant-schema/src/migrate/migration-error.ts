import { TenantSchemaError } from '../errors.ts';
import { SQLSTATE, sqlStateOf } from '../schema/index.ts';

/**
 * What a failed schema migration is reported as (its transaction already rolled back): a lock not
 * granted within `lock_timeout` is TNT_ERR_LOCK_TIMEOUT (retriable: application traffic held it),
 * anything else TNT_ERR_MIGRATION_FAILED. `migration`: the one running, if any ("preparation" else).
 */
export function migrationError(schemaName: string, migration: string | undefined, lockTimeoutMs: number, error: unknown): TenantSchemaError {
  if (error instanceof TenantSchemaError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const where = migration ? `migration ${migration}` : 'preparation';
  if (sqlStateOf(error) === SQLSTATE.LOCK_NOT_AVAILABLE) {
    return new TenantSchemaError(
      'TNT_ERR_LOCK_TIMEOUT',
      `${schemaName}: lock not granted within ${lockTimeoutMs} ms in ${where} (application traffic holds it); rolled back, run migrate up again later.`,
      { cause: error },
    );
  }
  return new TenantSchemaError('TNT_ERR_MIGRATION_FAILED', `${schemaName}: ${where} failed (rolled back, nothing kept): ${reason}`, {
    cause: error,
  });
}
