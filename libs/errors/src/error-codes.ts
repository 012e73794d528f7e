/** What one code means wherever it is raised: the HTTP status an app answers with, a title, and whether retrying the same call can succeed. */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly retriable: boolean;
}

/**
 * Every `TNT_ERR_*` code of Tenantry, one list (docs/errors.md documents each; a test checks that,
 * and that no source file uses a code missing here). Codes are stable: clients, logs and dead
 * letters carry them, so one is never renamed or reused.
 */
export const ERRORS = {
  // Requests (tenant-api)
  TNT_ERR_MALFORMED_REQUEST: { status: 400, title: 'Malformed request', retriable: false },
  TNT_ERR_INVALID_CURSOR: { status: 400, title: 'Invalid cursor', retriable: false },
  TNT_ERR_UNAUTHENTICATED: { status: 401, title: 'Authentication required', retriable: false },
  TNT_ERR_BAD_CREDENTIALS: { status: 401, title: 'Invalid email or password', retriable: false },
  TNT_ERR_FORBIDDEN: { status: 403, title: 'Forbidden', retriable: false },
  TNT_ERR_NOT_FOUND: { status: 404, title: 'Not found', retriable: false },
  TNT_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', retriable: false },
  TNT_ERR_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout', retriable: true },
  TNT_ERR_IDEMPOTENCY_KEY_REUSED: { status: 409, title: 'Idempotency key reused with another request', retriable: false },
  TNT_ERR_IDEMPOTENCY_KEY_TAKEN: { status: 409, title: 'Idempotency key taken by a request that committed first', retriable: false },
  TNT_ERR_VERSION_MISMATCH: { status: 412, title: 'Precondition failed', retriable: false },
  TNT_ERR_BODY_TOO_LARGE: { status: 413, title: 'Request body too large', retriable: false },
  TNT_ERR_UNPROCESSABLE: { status: 422, title: 'Validation failed', retriable: false },
  TNT_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests', retriable: true },
  TNT_ERR_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large', retriable: false },
  TNT_ERR_INTERNAL: { status: 500, title: 'Internal error', retriable: false },
  TNT_ERR_UNAVAILABLE: { status: 503, title: 'Service unavailable', retriable: true },

  // Control data: tenants, members, users
  TNT_ERR_TENANT_NOT_FOUND: { status: 404, title: 'Tenant not found', retriable: false },
  TNT_ERR_MEMBER_NOT_FOUND: { status: 404, title: 'Member not found', retriable: false },
  TNT_ERR_USER_NOT_FOUND: { status: 404, title: 'User not found', retriable: false },
  TNT_ERR_SLUG_TAKEN: { status: 409, title: 'Slug already taken', retriable: false },
  TNT_ERR_RUT_TAKEN: { status: 409, title: 'RUT already registered', retriable: false },
  TNT_ERR_EMAIL_TAKEN: { status: 409, title: 'Email already registered', retriable: false },
  TNT_ERR_ALREADY_MEMBER: { status: 409, title: 'Already a member', retriable: false },
  TNT_ERR_USER_LIMIT: { status: 409, title: 'User limit reached', retriable: false },
  TNT_ERR_USER_LIMIT_TOO_LOW: { status: 409, title: 'User limit below the current members', retriable: false },
  TNT_ERR_LAST_ADMIN: { status: 409, title: 'Last active admin', retriable: false },
  TNT_ERR_GROUP_NAME_TAKEN: { status: 409, title: 'Group name already taken', retriable: false },
  TNT_ERR_INVALID_STATE: { status: 409, title: 'Not allowed in the current state', retriable: false },
  TNT_ERR_TENANT_EXISTS: { status: 409, title: 'Tenant already exists', retriable: false },

  // Purges
  TNT_ERR_TENANT_NOT_DEACTIVATED: { status: 409, title: 'Tenant not deactivated', retriable: false },
  TNT_ERR_PURGE_TOO_EARLY: { status: 409, title: 'Tenant not deactivated long enough to purge', retriable: false },
  TNT_ERR_PURGE_BUSY: { status: 409, title: 'Tenant purge running elsewhere', retriable: true },
  TNT_ERR_PURGE_OUT_OF_ORDER: { status: 500, title: 'Tombstone asked for before the schema was dropped', retriable: false },

  // Tenant databases (registry, placement, connections)
  TNT_ERR_DATABASE_UNKNOWN: { status: 404, title: 'Unknown tenant database', retriable: true },
  TNT_ERR_DATABASE_NAME_TAKEN: { status: 409, title: 'Tenant database name already registered', retriable: false },
  TNT_ERR_DATABASE_NAME_INVALID: { status: 422, title: 'Invalid tenant database name', retriable: false },
  TNT_ERR_DATABASE_DRAINING: { status: 409, title: 'Tenant database draining', retriable: false },
  TNT_ERR_NO_OPEN_DATABASE: { status: 503, title: 'No tenant database open for new tenants', retriable: false },
  TNT_ERR_DATABASE_URL_INVALID: { status: 400, title: 'Database URL not usable', retriable: false },
  TNT_ERR_DATABASE_UNREACHABLE: { status: 503, title: 'Database unreachable', retriable: true },
  TNT_ERR_DATABASE_UNSUPPORTED: { status: 500, title: 'Database server cannot hold tenant schemas', retriable: false },
  TNT_ERR_DATABASE_FAILED: { status: 500, title: 'Database failed', retriable: false },

  // Tenant schemas: names, provisioning, migration, archive dumps
  TNT_ERR_INVALID_IDENTIFIER: { status: 400, title: 'Invalid SQL identifier', retriable: false },
  TNT_ERR_INVALID_TENANT_ID: { status: 400, title: 'Tenant id is not a UUID', retriable: false },
  TNT_ERR_INVALID_TENANT_INPUT: { status: 422, title: 'Tenant cannot be written to its schema', retriable: false },
  TNT_ERR_NO_TENANT_MIGRATIONS: { status: 500, title: 'No tenant migrations given', retriable: false },
  TNT_ERR_SCHEMA_VERSION_MISSING: { status: 500, title: 'Schema has no recorded migration', retriable: false },
  TNT_ERR_PROVISIONING_FAILED: { status: 500, title: 'Provisioning failed', retriable: true },
  TNT_ERR_INVALID_LOCK_TIMEOUT: { status: 400, title: 'Invalid lock timeout', retriable: false },
  TNT_ERR_LOCK_TIMEOUT: { status: 503, title: 'Lock not granted in time', retriable: true },
  TNT_ERR_MIGRATION_FAILED: { status: 500, title: 'Migration failed', retriable: false },
  TNT_ERR_INVALID_FLEET_OPTIONS: { status: 400, title: 'Invalid fleet migration options', retriable: false },
  TNT_ERR_FLEET_MIGRATION_RUNNING: { status: 409, title: 'Another fleet migration is running', retriable: true },
  TNT_ERR_LEDGER_UPDATE_FAILED: { status: 500, title: 'Schema migrated, control ledger not updated', retriable: true },
  TNT_ERR_UNEXPECTED: { status: 500, title: 'Unexpected failure', retriable: false },
  TNT_ERR_SCHEMA_EXISTS: { status: 409, title: 'Schema already exists', retriable: false },
  TNT_ERR_SCHEMA_MISSING: { status: 404, title: 'Schema missing', retriable: false },
  TNT_ERR_DUMP_FAILED: { status: 500, title: 'Schema dump failed', retriable: true },
  TNT_ERR_RESTORE_FAILED: { status: 500, title: 'Schema restore failed', retriable: false },

  // Tenant moves
  TNT_ERR_MOVE_REFUSED: { status: 409, title: 'Tenant move refused', retriable: false },
  TNT_ERR_MOVE_NOT_OPEN: { status: 409, title: 'Tenant move no longer open', retriable: false },
  TNT_ERR_MOVE_BUSY: { status: 409, title: 'Tenant move running elsewhere', retriable: true },
  TNT_ERR_MOVE_SAME_DATABASE: { status: 422, title: 'Move source and target are the same database', retriable: false },
  TNT_ERR_MOVE_DATABASE_UNREACHABLE: { status: 503, title: 'Move database unreachable', retriable: true },
  TNT_ERR_MOVE_NEEDS_LOGICAL_REPLICATION: { status: 409, title: 'Online move needs logical replication', retriable: false },
  TNT_ERR_MOVE_SERVER_TOO_OLD: { status: 409, title: 'Server too old for an online move', retriable: false },
  TNT_ERR_MOVE_PG_TOOLS_MISSING: { status: 500, title: 'pg_dump and pg_restore not found', retriable: false },
  TNT_ERR_MOVE_SOURCE_SCHEMA_MISSING: { status: 409, title: 'Schema not on the move source', retriable: false },
  TNT_ERR_MOVE_OLD_SCHEMA_PRESENT: { status: 409, title: 'Schema of an earlier move still present', retriable: false },
  TNT_ERR_MOVE_UNKNOWN_VERSION: { status: 409, title: 'Schema version unknown to this code', retriable: false },
  TNT_ERR_MOVE_COPY_FAILED: { status: 500, title: 'Schema copy failed', retriable: true },
  TNT_ERR_MOVE_SUBSCRIPTION_MISSING: { status: 409, title: 'Move subscription gone', retriable: false },
  TNT_ERR_MOVE_CATCH_UP_TIMEOUT: { status: 503, title: 'Move target did not catch up in time', retriable: true },
  TNT_ERR_MOVE_SCHEMA_CHANGED: { status: 409, title: 'Schema changed during the move', retriable: false },
  TNT_ERR_MOVE_FREEZE_TIMEOUT: { status: 503, title: 'Write freeze not complete in time', retriable: true },
  TNT_ERR_MOVE_FLIP_NOT_JOURNALLED: { status: 500, title: 'Flip not recorded in the move journal', retriable: false },
  TNT_ERR_MOVE_ALREADY_FLIPPED: { status: 409, title: 'Move already flipped; cannot be undone', retriable: false },
  TNT_ERR_MOVE_ABORTED: { status: 503, title: 'Move stopped', retriable: true },
  TNT_ERR_MOVE_STEP_FAILED: { status: 500, title: 'Move step failed', retriable: true },

  // Tenant archives
  TNT_ERR_ARCHIVE_INVALID: { status: 422, title: 'Not a usable tenant archive', retriable: false },
  TNT_ERR_ARCHIVE_PART_MISSING: { status: 422, title: 'Archive part missing', retriable: false },
  TNT_ERR_ARCHIVE_CHECKSUM_MISMATCH: { status: 422, title: 'Archive checksum mismatch', retriable: false },
  TNT_ERR_ARCHIVE_FORMAT_UNSUPPORTED: { status: 422, title: 'Archive format unsupported', retriable: false },
  TNT_ERR_ARCHIVE_SCHEMA_TOO_NEW: { status: 422, title: 'Archive schema newer than this installation', retriable: false },
  TNT_ERR_ARCHIVE_CONTENT_MISMATCH: { status: 422, title: 'Archive content differs from its manifest', retriable: false },

  // Events and Kafka
  TNT_ERR_EVENT_INVALID: { status: 422, title: 'Event violates the contract', retriable: false },
  TNT_ERR_KAFKA_RETRIABLE: { status: 503, title: 'Kafka operation failed; may pass later', retriable: true },
  TNT_ERR_KAFKA_NON_RETRIABLE: { status: 500, title: 'Kafka operation failed for good', retriable: false },
  TNT_ERR_KAFKA_RETRIES_EXHAUSTED: { status: 500, title: 'Every retry failed', retriable: false },
  TNT_ERR_KAFKA_RETRY_ABORTED: { status: 503, title: 'Retry aborted: the consumer is stopping', retriable: false },
  TNT_ERR_KAFKA_DEAD_LETTER_FAILED: { status: 503, title: 'Message could not be dead-lettered', retriable: true },
  TNT_ERR_KAFKA_CONSUMER_START_FAILED: { status: 503, title: 'Consumer could not start', retriable: true },
  TNT_ERR_KAFKA_UNKNOWN_TOPIC: { status: 404, title: 'Unknown topic', retriable: false },
  TNT_ERR_KAFKA_UNKNOWN_PARTITION: { status: 404, title: 'Unknown partition', retriable: false },
} as const satisfies Record<`TNT_ERR_${string}`, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** For codes read back from elsewhere (a dead letter, a stored result). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}
