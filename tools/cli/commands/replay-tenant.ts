import { quoteIdentifier } from '@tenantry/control-db';
import { createIdempotentProducer } from '@tenantry/kafka';
import { toKafkaMessage, type TenantEvent } from '@tenantry/tenant-events';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { startProgress } from '../lib/progress.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 200;

interface Options {
  fromVersion?: string;
}

export function register(program: Command) {
  commandGroup(program, 'replay', 'Re-read events: move a consumer group, or republish a tenant\'s history')
    .command('tenant')
    .description('Republish a tenant\'s events from the control event log to tenant.events: same event ids, in version order')
    .argument('<id>', 'tenant id')
    .option('--from-version <n>', 'first tenantversion to republish', '1')
    .action(async (id: string, options: Options, command: Command) => {
      const ctx = cliContext(command);
      if (!UUID.test(id)) throw new CliError(`${JSON.stringify(id)} is not a tenant id (a UUID)`);
      const fromVersion = Number(options.fromVersion ?? '1');
      if (!Number.isInteger(fromVersion) || fromVersion < 1) throw new CliError(`--from-version ${options.fromVersion} must be a whole number >= 1`);
      const { controlSchema, topics } = ctx.config;
      const schema = quoteIdentifier(controlSchema);

      const client = await connectControlDb(ctx.config);
      let events: TenantEvent[];
      let pending: number;
      try {
        const tenant = await client.query(`select version from ${schema}.tenants where id = $1`, [id]);
        if (tenant.rows.length === 0) throw new CliError(`Tenant ${id} does not exist in ${controlSchema}.tenants`);
        // Only what the relay already published: newer events are still in the outbox and the relay
        // publishes them itself, after these, so per-tenant order on the topic is kept.
        const { rows } = await client.query<{ event: TenantEvent }>(
          `select event from ${schema}.tenant_events
            where tenant_id = $1 and tenant_version >= $2 and published_at is not null order by tenant_version, seq`,
          [id, fromVersion],
        );
        events = rows.map((row) => row.event);
        const waiting = await client.query<{ n: string }>(
          `select count(*)::text as n from ${schema}.tenant_events where tenant_id = $1 and published_at is null`,
          [id],
        );
        pending = Number(waiting.rows[0].n);
      } finally {
        await client.end();
      }

      const producer = createIdempotentProducer(ctx.kafka());
      const progress = startProgress(events.length, `replaying ${id}`, !ctx.json);
      let sent = 0;
      try {
        // One producer, batches in order, one partition (key = tenant id): order on the wire is version order.
        for (let i = 0; i < events.length; i += BATCH) {
          const batch = events.slice(i, i + BATCH);
          await producer.send(topics.tenantEvents, batch.map(toKafkaMessage));
          sent += batch.length;
          progress.increment(batch.length);
        }
      } finally {
        progress.stop();
        await producer.disconnect();
      }

      const report = {
        tenant_id: id,
        topic: topics.tenantEvents,
        from_version: fromVersion,
        republished: sent,
        first_version: events[0]?.tenantversion ?? null,
        last_version: events.at(-1)?.tenantversion ?? null,
        event_ids: events.map((event) => event.id),
        pending_in_outbox: pending,
      };
      ctx.print(report, () =>
        [
          sent === 0
            ? `Nothing to republish for tenant ${id} from version ${fromVersion}.`
            : `Republished ${sent} event(s) of tenant ${id} (versions ${report.first_version}..${report.last_version}) to ${topics.tenantEvents} with their original ids.`,
          ...(pending ? [`${pending} newer event(s) are still in the outbox; the relay publishes them.`] : []),
        ].join('\n'),
      );
    });
}
