import type { Command } from 'commander';
import type { DatabaseMigrateSection, FleetMigrateReportAcrossDatabases, FleetMigrateSummary, TenantMigrateResult } from '@tenantry/tenant-schema';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { formatDuration, parseDuration } from '../lib/duration.ts';
import { MIGRATE_EXIT, MIGRATE_GROUP, collectTenants, databaseOption, migrationsModuleOption } from '../lib/fleet-options.ts';
import { startFleetProgress } from '../lib/fleet-progress.ts';
import { table } from '../lib/table.ts';

interface Options {
  concurrency: string;
  canary: string;
  tenant: string[];
  status?: string;
  lockTimeout: string;
  schemasPerConnection: string;
  database?: string;
  migrationsModule?: string;
}

const STATUSES = ['pending_setup', 'active', 'suspended', 'deactivated', 'setup_failed'];

export function register(program: Command) {
  commandGroup(program, ...MIGRATE_GROUP)
    .command('up')
    .description(
      'Apply pending tenant migrations to every selected schema on every tenant database, the databases in parallel: on each, canary wave first, ' +
        'then the rest N at a time, one transaction per schema. ' +
        `Exit ${EXIT.ok} = nothing failed, ${EXIT.failed} = some schema, canary or database failed, ${MIGRATE_EXIT.interrupted} = interrupted (run again to continue)`,
    )
    .option('--concurrency <n>', 'schemas migrated at the same time on each database', '4')
    .option('--canary <n>', 'schemas migrated first on each database; all must succeed before its rest starts (0 = none)', '5')
    .option('--tenant <id>', 'only this tenant (repeatable, or comma-separated)', collectTenants, [])
    .addOption(databaseOption())
    .option('--status <list>', `only tenants in these control statuses (${STATUSES.join(',')})`)
    .option('--lock-timeout <duration>', 'longest wait for any lock; past it the schema fails as "retry later"', '2s')
    .option('--schemas-per-connection <n>', 'schemas one database connection migrates before it is replaced', '1000')
    .option('--json', 'one JSON report on stdout')
    .addOption(migrationsModuleOption())
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      const { concurrency, canary, schemasPerConnection, lockTimeoutMs, statuses } = parseOptions(options);
      const interrupt = stopOnSignals();

      // Loaded here, not at the top: MikroORM costs about a second and most commands never need it.
      const [{ TenantSchemaError, multiDatabaseFleetEngine }, { openFleetContext }] = await Promise.all([import('@tenantry/tenant-schema'), import('../lib/fleet-context.ts')]);
      const fleet = await openFleetContext(ctx, { migrationsModule: options.migrationsModule, database: options.database });
      const progress = startFleetProgress();
      let report: FleetMigrateReportAcrossDatabases;
      try {
        const engine = multiDatabaseFleetEngine({ databases: fleet.databases, ledger: fleet.ledger, migrations: fleet.migrations });
        report = await engine.migrate({
          concurrency,
          canary,
          tenantIds: options.tenant.length > 0 ? options.tenant : undefined,
          statuses,
          lockTimeoutMs,
          schemasPerConnection,
          signal: interrupt.signal,
          logger: ctx.logger,
          onPlan: ({ database, selected, toMigrate, canary: canarySize }) => {
            if (!ctx.json) process.stderr.write(`${database}: ${selected} tenants selected, ${toMigrate} schemas to migrate (canary ${canarySize}), concurrency ${concurrency}\n`);
            progress.plan(toMigrate);
          },
          onResult: (_result, state) => progress.update(state),
        });
      } catch (error) {
        // Per-schema and per-database failures are in the report; what reaches here is a refusal
        // (bad option, unknown tenant) or a lost control database.
        if (error instanceof TenantSchemaError) throw new CliError(error.message);
        throw error;
      } finally {
        progress.stop();
        interrupt.release();
        await fleet.close();
      }
      ctx.print(report, () => renderReport(report));
      process.exitCode = exitCodeOf(report);
    });
}

function parseOptions(options: Options) {
  const statuses = options.status?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = statuses?.filter((s) => !STATUSES.includes(s)) ?? [];
  const parsed = {
    concurrency: positiveInt(options.concurrency, '--concurrency'),
    canary: positiveInt(options.canary, '--canary', 0),
    schemasPerConnection: positiveInt(options.schemasPerConnection, '--schemas-per-connection'),
    lockTimeoutMs: parseDuration(options.lockTimeout, '--lock-timeout'),
    statuses,
  };
  if (statuses?.length === 0 || unknown.length > 0) throw new CliError(`--status takes a comma-separated list of ${STATUSES.join(', ')}; got ${JSON.stringify(options.status)}`);
  return parsed;
}

/**
 * First Ctrl-C: finish the schemas in flight (each is one transaction), start no more, report.
 * A second one exits at once; the open transactions roll back and the next run redoes them.
 */
function stopOnSignals(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(MIGRATE_EXIT.interrupted);
    controller.abort();
    process.stderr.write(`\n${signal}: finishing the schemas in flight, then stopping (again to stop at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function exitCodeOf(report: FleetMigrateReportAcrossDatabases): number {
  const failed = report.summary.failed > 0 || report.stopped === 'canary-failed' || report.databases.some((d) => d.error || d.stopped === 'canary-failed');
  return failed ? EXIT.failed : report.stopped === 'interrupted' ? MIGRATE_EXIT.interrupted : EXIT.ok;
}

function positiveInt(text: string, option: string, min = 1): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new CliError(`${option} ${JSON.stringify(text)} must be a whole number >= ${min}`);
  return value;
}

const ORDER = { failed: 0, skipped: 1, ok: 2 } as const;

function renderReport(report: FleetMigrateReportAcrossDatabases): string {
  const several = report.databases.length > 1;
  // A database that failed as a whole gets one line below, not one row per schema.
  const failedDatabases = new Set(report.databases.filter((d) => d.error).map((d) => d.database));
  const rows = report.results.filter((r) => r.reason !== 'up-to-date' && !failedDatabases.has(r.database!)).sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome]);
  const lines: string[] = [];
  if (rows.length > 0) {
    const head = ['TENANT', 'RESULT', 'FROM', 'TO', 'TIME', 'DETAIL'];
    lines.push(table([several ? ['DATABASE', ...head] : head, ...rows.map((r) => (several ? [r.database ?? null, ...row(r)] : row(r)))]), '');
  }
  for (const section of report.databases) lines.push(sectionLine(section));
  const stop = report.stopped === 'canary-failed' ? ' · STOPPED: a canary schema failed, the rest of its database was not attempted' : report.stopped === 'interrupted' ? ' · INTERRUPTED: run again to continue' : '';
  lines.push(
    `total over ${report.databases.length} database(s)${failedDatabases.size ? ` (${failedDatabases.size} failed)` : ''}: ${summaryText(report.summary)} in ${formatDuration(report.durationMs)}${stop}`,
  );
  lines.push(`target: ${report.target}`);
  return lines.join('\n');
}

/** One database's line: its summary, or why it failed as a whole. */
function sectionLine(section: DatabaseMigrateSection): string {
  if (section.error) return `${section.database}: FAILED (${section.error.code}) ${section.error.message}; its ${section.summary.selected} schema(s) not attempted`;
  const stop = section.stopped === 'canary-failed' ? ' · canary failed, rest not attempted' : section.stopped === 'interrupted' ? ' · interrupted' : '';
  return `${section.database}: ${summaryText(section.summary)} in ${formatDuration(section.durationMs)}${stop}`;
}

function summaryText(summary: FleetMigrateSummary): string {
  return (
    `${summary.selected} tenants: ${summary.ok} migrated, ${summary.failed} failed${summary.retryLater ? ` (${summary.retryLater} retry later)` : ''}, ` +
    `${summary.skipped} skipped (${summary.upToDate} already up to date)`
  );
}

function row(r: TenantMigrateResult): (string | null)[] {
  const detail = r.outcome === 'failed' ? `${r.error!.code}: ${r.error!.message}` : r.outcome === 'skipped' ? r.reason! : `${r.applied.length} applied${r.ledgerUpdated ? ', ledger updated' : ''}`;
  return [r.tenantId, r.outcome + (r.wave === 'canary' ? ' (canary)' : ''), r.fromVersion, r.schemaVersion, r.durationMs ? formatDuration(r.durationMs) : null, detail];
}
