import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';

interface Options {
  maxAge?: string;
}

function age(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function register(program: Command) {
  commandGroup(program, 'outbox', 'The transactional outbox (control event log rows not yet on Kafka)')
    .command('status')
    .description('Pending events, age of the oldest one, and which database session holds the relay lock')
    .option('--max-age <seconds>', 'exit 1 when the oldest pending event is older than this (for monitoring)')
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      const maxAge = options.maxAge === undefined ? undefined : Number(options.maxAge);
      if (maxAge !== undefined && !(maxAge >= 0)) throw new CliError(`--max-age ${options.maxAge} must be a number of seconds`);
      const { outboxStatus } = await import('@tenantry/control-db'); // lazily: it loads MikroORM
      const client = await connectControlDb(ctx.config);
      try {
        const status = await outboxStatus(client, ctx.config.controlSchema);
        const holder = status.relayHolderPid === null
          ? null
          : (
              await client.query<{ application_name: string; client_addr: string | null; backend_start: Date }>(
                `select application_name, client_addr::text as client_addr, backend_start from pg_stat_activity where pid = $1`,
                [status.relayHolderPid],
              )
            ).rows[0] ?? null;
        const { rows } = await client.query<{ total: string }>(
          `select count(*)::text as total from "${ctx.config.controlSchema}".tenant_events`,
        );
        const report = {
          control_schema: ctx.config.controlSchema,
          pending: status.pending,
          oldest_pending_age_seconds: status.oldestPendingAgeSeconds,
          total_events: Number(rows[0].total),
          relay_holder: status.relayHolderPid === null
            ? null
            : {
                pid: status.relayHolderPid,
                application_name: holder?.application_name || null,
                client_addr: holder?.client_addr ?? null,
                since: holder?.backend_start?.toISOString() ?? null,
              },
        };
        ctx.print(report, () =>
          [
            `pending events:    ${status.pending}`,
            `oldest pending:    ${age(status.oldestPendingAgeSeconds)}`,
            `events in the log: ${report.total_events}`,
            `relay lock holder: ${
              report.relay_holder
                ? `pid ${report.relay_holder.pid}${report.relay_holder.application_name ? ` (${report.relay_holder.application_name})` : ''}${report.relay_holder.since ? ` since ${report.relay_holder.since}` : ''}`
                : 'none: no relay is running, nothing gets published'
            }`,
          ].join('\n'),
        );
        if (maxAge !== undefined && (status.oldestPendingAgeSeconds ?? 0) > maxAge) {
          throw new CliError(`The oldest pending event is ${age(status.oldestPendingAgeSeconds)} old (limit ${maxAge} s): is the relay running and Kafka reachable?`, EXIT.failed);
        }
      } finally {
        await client.end();
      }
    });
}
