import type { TenantMigration } from '@tenantry/tenant-migrations';
import { readSchemaVersionIn, schemaExists } from '../schema/index.ts';
import { TenantSchemaError } from '../errors.ts';
import { migrationError } from './migration-error.ts';
import { lockTenantSchema } from '../schema/index.ts';
import { createTenantMigrator } from './tenant-migrator.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

export interface MigrateTenantSchemaOptions {
  migrations: readonly TenantMigration[];
  /** `SET LOCAL lock_timeout`: how long any lock (advisory or table) may be waited for. */
  lockTimeoutMs: number;
}

export type MigrateTenantSchemaResult =
  | { found: false }
  | { found: true; fromVersion: string | null; schemaVersion: string | null; applied: string[] };

/**
 * Applies the pending migrations of ONE existing tenant schema in one transaction. The schema's
 * own tracking table, read under the tenant's advisory lock, decides what is pending, so a re-run
 * (after a crash, or by a second operator) never applies a migration twice. Every lock wait is
 * bounded by `lock_timeout`: behind application traffic the schema fails fast with
 * `TNT_ERR_LOCK_TIMEOUT` (retriable) instead of queueing and blocking that traffic in turn.
 */
export async function migrateTenantSchema(
  orm: TenantSchemaOrm,
  schemaName: string,
  { migrations, lockTimeoutMs }: MigrateTenantSchemaOptions,
): Promise<MigrateTenantSchemaResult> {
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
    throw new TenantSchemaError('TNT_ERR_INVALID_LOCK_TIMEOUT', `lock timeout must be a positive number of milliseconds, got ${lockTimeoutMs}.`);
  }
  let current: string | undefined;
  try {
    return await orm.em.fork().transactional(async (tx) => {
      await tx.execute(`set local lock_timeout = '${lockTimeoutMs}ms'`);
      await lockTenantSchema(tx, schemaName);
      if (!(await schemaExists(tx, schemaName))) return { found: false } as const;
      const fromVersion = await readSchemaVersionIn(tx, schemaName);
      // Fresh migrator per schema: see tenant-migrator.ts for the stale-cache trap it avoids.
      const migrator = createTenantMigrator(tx, migrations);
      migrator.on('migrating', ({ name }) => {
        current = name;
      });
      const applied = await migrator.up({ schema: schemaName, transaction: tx.getTransactionContext() });
      current = undefined;
      const schemaVersion = await readSchemaVersionIn(tx, schemaName);
      return { found: true, fromVersion, schemaVersion, applied: applied.map((m) => m.name) } as const;
    });
  } catch (error) {
    throw migrationError(schemaName, current, lockTimeoutMs, error);
  }
}
