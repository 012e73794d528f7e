import type { Command } from 'commander';
import type { DatabaseStatusSection, FleetStatusAcrossDatabases, FleetSummary, SchemaStatus } from '@tenantry/tenant-schema';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { formatDuration } from '../lib/duration.ts';
import { MIGRATE_EXIT, MIGRATE_GROUP, collectTenants, databaseOption, migrationsModuleOption } from '../lib/fleet-options.ts';
import { table } from '../lib/table.ts';

interface Options {
  tenant: string[];
  all?: boolean;
  limit: string;
  database?: string;
  migrationsModule?: string;
}

export function register(program: Command) {
  commandGroup(program, ...MIGRATE_GROUP)
    .command('status')
    .description(
      'Per tenant schema on every tenant database: applied version, pending migrations, drift against the control ledger. ' +
        `Exit ${EXIT.ok} = all up to date, ${MIGRATE_EXIT.drift} = drift found or a database could not be read, ${MIGRATE_EXIT.pending} = no drift but migrations pending`,
    )
    .option('--tenant <id>', 'only this tenant (repeatable, or comma-separated)', collectTenants, [])
    .addOption(databaseOption())
    .option('--all', 'list up-to-date schemas too (default: only pending and drifting ones)')
    .option('--limit <n>', 'at most this many rows per database in the table (JSON is never cut)', '50')
    .option('--json', 'one JSON document on stdout: totals, every schema, one section per database')
    .addOption(migrationsModuleOption())
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      // Loaded here, not at the top: MikroORM costs about a second and most commands never need it.
      const [{ multiDatabaseFleetEngine, TenantSchemaError }, { openFleetContext }] = await Promise.all([import('@tenantry/tenant-schema'), import('../lib/fleet-context.ts')]);
      const fleet = await openFleetContext(ctx, { migrationsModule: options.migrationsModule, database: options.database });
      let status: FleetStatusAcrossDatabases;
      try {
        status = await multiDatabaseFleetEngine({ databases: fleet.databases, ledger: fleet.ledger, migrations: fleet.migrations }).readStatus({
          tenantIds: options.tenant.length > 0 ? options.tenant : undefined,
        });
      } catch (error) {
        // A refusal (unknown tenant); a database that cannot be read is a section of the report.
        if (error instanceof TenantSchemaError) throw new CliError(error.message);
        throw error;
      } finally {
        await fleet.close();
      }
      ctx.print(status, () => renderStatus(status, { all: Boolean(options.all) || options.tenant.length > 0, limit: Number(options.limit) || 50 }));
      const { summary } = status;
      const failed = status.databases.some((d) => d.error);
      process.exitCode = summary.drift > 0 || failed ? MIGRATE_EXIT.drift : summary.pendingSchemas > 0 ? MIGRATE_EXIT.pending : EXIT.ok;
    });
}

function renderStatus(status: FleetStatusAcrossDatabases, { all, limit }: { all: boolean; limit: number }): string {
  const lines: string[] = [];
  for (const section of status.databases) {
    lines.push(...renderSection(section, status.schemas.filter((s) => s.database === section.database), { all, limit }), '');
  }
  const failed = status.databases.filter((d) => d.error).length;
  if (status.databases.length > 1 || failed > 0) {
    lines.push(`== total: ${status.databases.length} database(s)${failed ? `, ${failed} could not be read` : ''} ==`, summaryLine(status.summary));
  }
  lines.push(`latest migration: ${status.summary.latest}`);
  for (const [version, count] of Object.entries(status.summary.byVersion).sort()) lines.push(`  ${String(count).padStart(7)}  ${version}`);
  lines.push(`read in ${formatDuration(status.reads.durationMs)} (${status.reads.batches} batched queries, ${status.reads.connections} connection(s))`);
  return lines.join('\n');
}

function renderSection(section: DatabaseStatusSection, schemas: readonly SchemaStatus[], { all, limit }: { all: boolean; limit: number }): string[] {
  if (section.error) {
    return [`== ${section.database}: NOT READ ==`, `${section.error.code}: ${section.error.message}`, `${section.tenants} tenant(s) placed there not checked; run again once it answers.`];
  }
  const lines = [`== ${section.database} ==`];
  const rows = schemas.filter((s) => all || s.state !== 'up-to-date' || s.drift.length > 0);
  rows.sort((a, b) => b.drift.length - a.drift.length);
  const shown = rows.slice(0, limit);
  if (shown.length > 0) {
    lines.push(
      table([
        ['TENANT', 'STATUS', 'STATE', 'APPLIED', 'LEDGER', 'PENDING', 'DRIFT'],
        ...shown.map((s) => [s.tenantId ?? `(${s.schemaName})`, s.tenantStatus, stateText(s), s.appliedVersion, s.ledgerVersion, pendingText(s), s.drift.join(',') || null]),
      ]),
    );
    if (rows.length > shown.length) lines.push(`... ${rows.length - shown.length} more (use --json, --tenant or --limit)`);
  }
  lines.push(summaryLine(section.summary!));
  if (section.reads) lines.push(`read in ${formatDuration(section.reads.durationMs)} (${section.reads.batches} batched queries, ${section.reads.connections} connection(s))`);
  return lines;
}

function summaryLine(summary: FleetSummary): string {
  const kinds = Object.entries(summary.driftByKind).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`);
  return (
    `${summary.tenants} tenants, ${summary.schemas} schemas: ${summary.upToDate} up to date, ${summary.pendingSchemas} with pending migrations ` +
    `(${summary.pendingMigrations} in all), ${summary.notProvisioned} not provisioned yet, ${summary.drift} drifting${kinds.length ? ` (${kinds.join(', ')})` : ''}`
  );
}

/** The state, and for a schema of a tenant placed elsewhere, where the ledger places it. */
function stateText(s: SchemaStatus): string {
  if (s.state === 'misplaced') return `misplaced (placed on ${s.ledgerDatabase})`;
  if (s.state === 'moving') return `moving (from ${s.ledgerDatabase})`;
  return s.moveTo ? `${s.state} (moving to ${s.moveTo})` : s.state;
}

function pendingText(s: SchemaStatus): string | null {
  if (s.pending.length === 0) return null;
  return s.pending.length === 1 ? s.pending[0] : `${s.pending.length} (${s.pending[0]}, ...)`;
}
