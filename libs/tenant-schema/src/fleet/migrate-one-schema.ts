import type { TenantMigration } from '@tenantry/tenant-migrations';
import { NEEDS_ORM, type PgSchemaMigrator } from './pg-schema-migrator.ts';
import { migrateTenantSchema, type MigrateTenantSchemaResult } from '../migrate/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import { describeFailure, skipped, type TenantMigrateResult, type WorkItem } from './migrate-results.ts';

export type MigrateStep = TenantMigrateResult | { result: TenantMigrateResult; record: string };

/**
 * One schema's transaction, through the plain-pg path (pg-schema-migrator.ts) or, for what that
 * path does not cover, MikroORM's migrator (migrateTenantSchema). Returns the final result, or the
 * result so far plus the version the control ledger must be told (`record`).
 */
export async function migrateOne(
  { status, wave }: WorkItem,
  { orm, pgMigrator, migrations, lockTimeoutMs }: { orm: TenantSchemaOrm; pgMigrator: PgSchemaMigrator; migrations: readonly TenantMigration[]; lockTimeoutMs: number },
): Promise<MigrateStep> {
  const started = performance.now();
  const base = { tenantId: status.tenantId, schemaName: status.schemaName, tenantStatus: status.tenantStatus, wave };
  const elapsed = () => Math.round(performance.now() - started);
  let outcome: MigrateTenantSchemaResult | typeof NEEDS_ORM = NEEDS_ORM;
  try {
    if (await pgMigrator.canRun(status.pending)) outcome = await pgMigrator.migrate(status.schemaName, lockTimeoutMs);
    if (outcome === NEEDS_ORM) outcome = await migrateTenantSchema(orm, status.schemaName, { migrations, lockTimeoutMs });
  } catch (error) {
    return {
      ...base,
      outcome: 'failed',
      error: describeFailure(error),
      fromVersion: status.appliedVersion,
      schemaVersion: status.appliedVersion,
      applied: [],
      ledgerUpdated: false,
      durationMs: elapsed(),
    };
  }
  if (!outcome.found) return { ...skipped(status, 'no-schema', wave), durationMs: elapsed() };
  const changed = outcome.applied.length > 0;
  const result: TenantMigrateResult = {
    ...base,
    fromVersion: outcome.fromVersion,
    schemaVersion: outcome.schemaVersion,
    applied: outcome.applied,
    outcome: changed ? 'ok' : 'skipped',
    ...(changed ? {} : { reason: 'up-to-date' as const }),
    ledgerUpdated: false,
    durationMs: elapsed(),
  };
  if (outcome.schemaVersion !== null && outcome.schemaVersion !== status.ledgerVersion) return { result, record: outcome.schemaVersion };
  return result;
}

