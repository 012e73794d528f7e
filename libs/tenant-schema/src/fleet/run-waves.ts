import type { Logger } from '@tenantry/logger';
import type { TenantMigration } from '@tenantry/tenant-migrations';
import type { FleetLedger } from './ledger.ts';
import { LedgerWriter, type LedgerWriterOptions } from './ledger-writer.ts';
import { createFleetOrm } from './fleet-orm.ts';
import { PgSchemaMigrator } from './pg-schema-migrator.ts';
import { runLimited } from './run-limited.ts';
import { migrateOne, type MigrateStep } from './migrate-one-schema.ts';
import type { MigrationPlan } from './plan-migration.ts';
import { skipped, stamped, withLedger, type FleetMigrateReport, type FleetProgress, type TenantMigrateResult, type WorkItem } from './migrate-results.ts';

export interface WaveOptions {
  databaseUrl: string;
  ledger: FleetLedger;
  database?: string;
  migrations: readonly TenantMigration[];
  concurrency: number;
  lockTimeoutMs: number;
  schemasPerConnection: number;
  ledgerBatch?: LedgerWriterOptions;
  signal?: AbortSignal;
  logger?: Logger;
  onResult?(result: TenantMigrateResult, progress: FleetProgress): void;
}

/**
 * Runs the plan's canary wave, then (when every canary schema succeeded and nobody aborted) the main
 * wave, `concurrency` schemas at a time. Results land in `plan.results`; returns why it stopped early.
 */
export async function runWaves(plan: MigrationPlan, options: WaveOptions): Promise<FleetMigrateReport['stopped']> {
  const { canaryItems, mainItems, results } = plan;
  const { databaseUrl, concurrency, schemasPerConnection, signal } = options;
  // The ORM builds the migration classes and runs what the plain path cannot (see pg-schema-migrator.ts).
  const orm = await createFleetOrm({ databaseUrl, connections: concurrency, schemasPerConnection });
  const pgMigrator = new PgSchemaMigrator(orm, options.migrations, { databaseUrl, connections: concurrency, schemasPerConnection });
  const lane = new MigrationLane(plan, options, new LedgerWriter(options.ledger, options.ledgerBatch), (item) =>
    migrateOne(item, { orm, pgMigrator, migrations: options.migrations, lockTimeoutMs: options.lockTimeoutMs }),
  );
  let stopped: FleetMigrateReport['stopped'] = null;
  try {
    await runLimited(canaryItems, concurrency, lane.run, signal);
    await lane.settle();
    const canaryFailed = canaryItems.some((item) => results.get(item.status.tenantId)?.outcome === 'failed');
    if (canaryFailed) {
      stopped = 'canary-failed';
    } else if (!signal?.aborted) {
      await runLimited(mainItems, concurrency, lane.run, signal);
    }
    await lane.settle();
    if (!stopped && signal?.aborted) stopped = 'interrupted';
  } finally {
    // Whatever happened, committed schemas get their ledger entries before the connections close.
    await lane.drain();
    await Promise.allSettled([pgMigrator.close(), orm.close(true)]);
  }
  for (const item of [...canaryItems, ...mainItems]) {
    if (!results.has(item.status.tenantId)) results.set(item.status.tenantId, skipped(item.status, stopped ?? 'interrupted', item.wave));
  }
  return stopped;
}

/**
 * Migrates one schema after the other for a lane of runLimited and reports each once its ledger
 * entry is written; with batching, the lane goes on to the next schema meanwhile.
 */
class MigrationLane {
  private readonly progress: FleetProgress;
  private readonly recording = new Set<Promise<void>>();
  private reportError: { error: unknown } | undefined;
  private readonly plan: MigrationPlan;
  private readonly options: WaveOptions;
  private readonly writer: LedgerWriter;
  private readonly migrate: (item: WorkItem) => Promise<MigrateStep>;

  constructor(plan: MigrationPlan, options: WaveOptions, writer: LedgerWriter, migrate: (item: WorkItem) => Promise<MigrateStep>) {
    this.plan = plan;
    this.options = options;
    this.writer = writer;
    this.migrate = migrate;
    this.progress = { done: 0, total: plan.canaryItems.length + plan.mainItems.length, failed: 0, wave: 'canary' };
    if (options.database !== undefined) this.progress.database = options.database;
  }

  readonly run = async (item: WorkItem): Promise<void> => {
    const step = await this.migrate(item);
    if (!('record' in step)) return this.report(item, step);
    const written = this.writer
      .write(item.status.tenantId, step.record)
      .then((outcome) => this.report(item, withLedger(step.result, outcome)))
      .catch((error: unknown) => {
        this.reportError ??= { error };
      });
    // Unbatched, the lane waits for its write, one schema after the other as before batching.
    if (!this.writer.batching) return written;
    this.recording.add(written);
    void written.then(() => this.recording.delete(written));
  };

  /** Waits for every ledger write so far; rethrows the first failure to report one. */
  async settle(): Promise<void> {
    await this.writer.flush();
    await Promise.all([...this.recording]);
    if (this.reportError) throw this.reportError.error;
  }

  /** Like settle, but never throws: the run is ending anyway. */
  async drain(): Promise<void> {
    await this.writer.flush().catch(() => undefined);
    await Promise.allSettled([...this.recording]);
  }

  private report(item: WorkItem, outcome: TenantMigrateResult): void {
    const { database, logger, onResult } = this.options;
    const result = stamped(outcome, database);
    this.plan.results.set(item.status.tenantId, result);
    this.progress.done += 1;
    if (result.outcome === 'failed') this.progress.failed += 1;
    this.progress.wave = item.wave;
    if (result.outcome === 'failed') logger?.info({ tenant_id: result.tenantId, schema: result.schemaName, err: result.error }, 'tenant schema migration failed');
    onResult?.(result, { ...this.progress });
  }
}
