import { dlqPartitions, dlqTarget, rangesOf, readRange, summarize } from '@tenantry/kafka';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { table } from '../lib/table.ts';

interface Options {
  group: string;
  topic?: string;
  all?: boolean;
  limit: string;
}

export function register(program: Command) {
  commandGroup(program, 'dlq', 'Dead letters: <topic>.<group>.dlq')
    .command('list')
    .description('List the dead letters of a consumer group not redriven yet (or all with --all)')
    .requiredOption('--group <group>', 'consumer group, e.g. dte-sync')
    .option('--topic <topic>', 'source topic (default: tenant.events with KAFKA_TOPIC_PREFIX)')
    .option('--all', 'include messages already redriven')
    .option('--limit <n>', 'at most this many per partition', '100')
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit ${options.limit} must be a whole number >= 1`);
      const target = dlqTarget(options.group, options.topic ?? ctx.config.topics.tenantEvents);
      const admin = ctx.kafka().admin();
      await admin.connect();
      try {
        const partitions = await dlqPartitions(admin, target);
        const redrivenUpTo = new Map((partitions ?? []).map((p) => [p.partition, p.redriven_up_to]));
        const messages = partitions ? await readRange(ctx.kafka(), target.dlq_topic, rangesOf(partitions, { all: options.all, limit })) : [];
        const letters = messages.map((m) => summarize(m, redrivenUpTo));
        const pending = (partitions ?? []).reduce((sum, p) => sum + p.pending, 0);
        const report = { ...target, exists: partitions !== null, pending, partitions: partitions ?? [], messages: letters };
        ctx.print(report, () => {
          if (!partitions) return `No dead-letter topic ${target.dlq_topic}: group ${target.group} never dead-lettered anything on ${target.source_topic}.`;
          const head = `${target.dlq_topic}: ${pending} dead letter(s) not redriven yet${options.all ? ' (showing all)' : ''}`;
          if (letters.length === 0) return head;
          return [
            head,
            table([
              ['partition', 'offset', 'key', 'type', 'attempts', 'failed at', 'source', 'error'],
              ...letters.map((l) => [
                l.partition,
                `${l.offset}${l.redriven ? ' (redriven)' : ''}`,
                l.key,
                l.event_type,
                l.dlq?.attempts ?? null,
                l.dlq?.failed_at ?? null,
                l.dlq ? `${l.dlq.source_topic}[${l.dlq.source_partition}]@${l.dlq.source_offset}` : null,
                (l.dlq?.error ?? '').split('\n')[0].slice(0, 100),
              ]),
            ]),
          ].join('\n');
        });
      } finally {
        await admin.disconnect();
      }
    });
}
