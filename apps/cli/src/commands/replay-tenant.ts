import { createIdempotentProducer, type IdempotentProducer } from '@tenantry/kafka';
import { toKafkaMessage, type TenantEvent } from '@tenantry/tenant-events';
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext, type CliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { startProgress } from '../lib/progress.ts';
import { requireTenantId } from '../lib/tenant-id.ts';

type ControlClient = Awaited<ReturnType<typeof connectControlDb>>;

const BATCH = 200;

interface Options {
  fromVersion: string;
  wait: boolean;
  waitTimeout: string;
}

/** Publishes `events` in order (one producer, one partition per tenant): order on the wire is version order. */
async function publish(ctx: CliContext, producer: IdempotentProducer, events: TenantEvent[], label: string): Promise<number> {
  const progress = startProgress(events.length, label, !ctx.json);
  let sent = 0;
  try {
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      await producer.send(ctx.config.topics.tenantEvents, batch.map(toKafkaMessage));
      sent += batch.length;
      progress.increment(batch.length);
    }
  } finally {
    progress.stop();
  }
  return sent;
}

/** The tenant's schema is back: the provisioner rebuilt it from the replayed TenantCreated (null: not waited for). */
interface Rebuild {
  rebuilt: boolean | null;
  republished: number;
}

/**
 * The provisioner rebuilds a missing schema from the replayed TenantCreated, but a worker of another
 * group (dte-sync) may have skipped later events before the schema existed. Provisioning is atomic,
 * so once the schema is visible it is complete: republish for those workers.
 */
async function republishAfterRebuild(ctx: CliContext, client: ControlClient, producer: IdempotentProducer, source: { id: string; schemaName: string; events: TenantEvent[] }, waitTimeoutMs: number): Promise<Rebuild> {
  const { schemaExists } = await import('@tenantry/control-db');
  const deadline = Date.now() + waitTimeoutMs;
  if (!ctx.json) process.stderr.write(`schema ${source.schemaName} is missing: waiting for the provisioner to rebuild it...\n`);
  let rebuilt: boolean;
  while (!(rebuilt = await schemaExists(client, source.schemaName)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { rebuilt, republished: rebuilt ? await publish(ctx, producer, source.events, `replaying ${source.id} again`) : 0 };
}

function parseOptions(options: Options): { fromVersion: number; waitTimeoutMs: number } {
  const fromVersion = Number(options.fromVersion);
  if (!Number.isInteger(fromVersion) || fromVersion < 1) throw new CliError(`--from-version ${options.fromVersion} must be a whole number >= 1`);
  const waitTimeoutMs = Number(options.waitTimeout) * 1000;
  if (!(waitTimeoutMs > 0)) throw new CliError(`--wait-timeout ${options.waitTimeout} must be a number of seconds`);
  return { fromVersion, waitTimeoutMs };
}

async function replayTenant(ctx: CliContext, id: string, options: Options): Promise<void> {
  const { fromVersion, waitTimeoutMs } = parseOptions(options);
  const { readTenantReplay, schemaExists } = await import('@tenantry/control-db'); // lazily: it loads MikroORM

  const client = await connectControlDb(ctx.config);
  const producer = createIdempotentProducer(ctx.kafka());
  try {
    const source = await readTenantReplay(client, ctx.config.controlSchema, id, fromVersion);
    if (!source) throw new CliError(`Tenant ${id} does not exist in ${ctx.config.controlSchema}.tenants`);
    const { schemaName, schemaVersion, events, pendingInOutbox: pending } = source;
    // A tenant that was provisioned once but whose schema is gone (dropped by hand, partial restore).
    const schemaMissing = schemaVersion !== null && !(await schemaExists(client, schemaName));

    const sent = await publish(ctx, producer, events, `replaying ${id}`);
    const waited = schemaMissing && options.wait && sent > 0;
    const { rebuilt, republished: secondPass } = waited
      ? await republishAfterRebuild(ctx, client, producer, { id, schemaName, events }, waitTimeoutMs)
      : { rebuilt: null, republished: 0 };

    const report = {
      tenant_id: id,
      topic: ctx.config.topics.tenantEvents,
      from_version: fromVersion,
      republished: sent,
      first_version: events[0]?.tenantversion ?? null,
      last_version: events.at(-1)?.tenantversion ?? null,
      event_ids: events.map((event) => event.id),
      pending_in_outbox: pending,
      schema: { name: schemaName, missing_before: schemaMissing, rebuilt, republished_after_rebuild: secondPass },
    };
    ctx.print(report, () =>
      [
        sent === 0
          ? `Nothing to republish for tenant ${id} from version ${fromVersion}.`
          : `Republished ${sent} event(s) of tenant ${id} (versions ${report.first_version}..${report.last_version}) to ${report.topic} with their original ids.`,
        ...(schemaMissing && rebuilt ? [`Schema ${schemaName} was missing and has been rebuilt; republished the ${secondPass} event(s) once more for workers that skipped them.`] : []),
        ...(pending ? [`${pending} newer event(s) are still in the outbox; the relay publishes them.`] : []),
      ].join('\n'),
    );
    if (waited && !rebuilt) {
      throw new CliError(
        `Schema ${schemaName} still missing after ${options.waitTimeout} s: is the provisioner running? Check \`tenantry dlq list --group <prefix>provisioner\`, then run this again.`,
        EXIT.failed,
      );
    }
  } finally {
    await producer.disconnect();
    await client.end();
  }
}

export function register(program: Command) {
  commandGroup(program, 'replay', 'Re-read events: move a consumer group, or republish a tenant\'s history')
    .command('tenant')
    .description(
      'Republish a tenant\'s events from the control event log to tenant.events: same event ids, in version order. If the tenant was provisioned but its schema is gone, waits for the provisioner to rebuild it and republishes once more, so workers that skipped events for the missing schema apply them.',
    )
    .argument('<id>', 'tenant id')
    .option('--from-version <n>', 'first tenantversion to republish', '1')
    .option('--no-wait', 'do not wait for a missing tenant schema to be rebuilt')
    .option('--wait-timeout <seconds>', 'how long to wait for the rebuilt schema', '120')
    .action(async (id: string, options: Options, command: Command) => {
      const ctx = cliContext(command);
      requireTenantId(id);
      await replayTenant(ctx, id, options);
    });
}
