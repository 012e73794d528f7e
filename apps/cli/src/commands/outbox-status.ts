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
      const { readOutboxOverview } = await import('@tenantry/control-db'); // lazily: it loads MikroORM
      const client = await connectControlDb(ctx.config);
      try {
        const status = await readOutboxOverview(client, ctx.config.controlSchema);
        const holder = status.relayHolder;
        const report = {
          control_schema: ctx.config.controlSchema,
          pending: status.pending,
          oldest_pending_age_seconds: status.oldestPendingAgeSeconds,
          total_events: status.totalEvents,
          relay_holder: status.relayHolderPid === null
            ? null
            : {
                pid: status.relayHolderPid,
                application_name: holder?.applicationName || null,
                client_addr: holder?.clientAddr ?? null,
                since: holder?.backendStart?.toISOString() ?? null,
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
