import type { Command } from 'commander';
import type { FleetStatus, SchemaStatus } from '@tenantry/tenant-schema';
import { EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { formatDuration } from '../lib/duration.ts';
import { MIGRATE_EXIT, MIGRATE_GROUP, collectTenants, migrationsModuleOption } from '../lib/fleet-options.ts';
import { table } from '../lib/table.ts';

interface Options {
  tenant: string[];
  all?: boolean;
  limit: string;
  migrationsModule?: string;
}

export function register(program: Command) {
  commandGroup(program, ...MIGRATE_GROUP)
    .command('status')
    .description(
      'Per tenant schema: applied version, pending migrations, drift against the control ledger. ' +
        `Exit ${EXIT.ok} = all up to date, ${MIGRATE_EXIT.drift} = drift found, ${MIGRATE_EXIT.pending} = no drift but migrations pending`,
    )
    .option('--tenant <id>', 'only this tenant (repeatable, or comma-separated)', collectTenants, [])
    .option('--all', 'list up-to-date schemas too (default: only pending and drifting ones)')
    .option('--limit <n>', 'at most this many rows in the table (JSON is never cut)', '50')
    .option('--json', 'one JSON document on stdout: summary and every schema')
    .addOption(migrationsModuleOption())
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      // Loaded here, not at the top: MikroORM costs about a second and most commands never need it.
      const [{ readFleetStatus }, { openFleetContext }] = await Promise.all([import('@tenantry/tenant-schema'), import('../lib/fleet-context.ts')]);
      const fleet = await openFleetContext(ctx, { migrationsModule: options.migrationsModule });
      let status: FleetStatus;
      try {
        status = await readFleetStatus({
          databaseUrl: fleet.databaseUrl,
          ledger: fleet.ledger,
          migrations: fleet.migrations,
          tenantIds: options.tenant.length > 0 ? options.tenant : undefined,
        });
      } finally {
        await fleet.close();
      }
      ctx.print(status, () => renderStatus(status, { all: Boolean(options.all) || options.tenant.length > 0, limit: Number(options.limit) || 50 }));
      const { summary } = status;
      process.exitCode = summary.drift > 0 ? MIGRATE_EXIT.drift : summary.pendingSchemas > 0 ? MIGRATE_EXIT.pending : EXIT.ok;
    });
}

function renderStatus(status: FleetStatus, { all, limit }: { all: boolean; limit: number }): string {
  const { summary } = status;
  const rows = status.schemas.filter((s) => all || s.state !== 'up-to-date' || s.drift.length > 0);
  rows.sort((a, b) => b.drift.length - a.drift.length);
  const shown = rows.slice(0, limit);
  const lines: string[] = [];
  if (shown.length > 0) {
    lines.push(
      table([
        ['TENANT', 'STATUS', 'STATE', 'APPLIED', 'LEDGER', 'PENDING', 'DRIFT'],
        ...shown.map((s) => [s.tenantId ?? `(${s.schemaName})`, s.tenantStatus, s.state, s.appliedVersion, s.ledgerVersion, pendingText(s), s.drift.join(',') || null]),
      ]),
    );
    if (rows.length > shown.length) lines.push(`... ${rows.length - shown.length} more (use --json, --tenant or --limit)`);
    lines.push('');
  }
  const kinds = Object.entries(summary.driftByKind).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`);
  lines.push(
    `${summary.tenants} tenants, ${summary.schemas} schemas: ${summary.upToDate} up to date, ${summary.pendingSchemas} with pending migrations ` +
      `(${summary.pendingMigrations} in all), ${summary.notProvisioned} not provisioned yet, ${summary.drift} drifting${kinds.length ? ` (${kinds.join(', ')})` : ''}`,
  );
  lines.push(`latest migration: ${summary.latest}`);
  for (const [version, count] of Object.entries(summary.byVersion).sort()) lines.push(`  ${String(count).padStart(7)}  ${version}`);
  lines.push(`read in ${formatDuration(status.reads.durationMs)} (${status.reads.batches} batched queries, ${status.reads.connections} connection(s))`);
  return lines.join('\n');
}

function pendingText(s: SchemaStatus): string | null {
  if (s.pending.length === 0) return null;
  return s.pending.length === 1 ? s.pending[0] : `${s.pending.length} (${s.pending[0]}, ...)`;
}
