import { dlqTarget, redriveDeadLetters } from '@tenantry/kafka';
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { startProgress, type Progress } from '../lib/progress.ts';

interface Options {
  group: string;
  topic?: string;
  limit?: string;
}

export function register(program: Command) {
  commandGroup(program, 'dlq', 'Dead letters: <topic>.<group>.dlq')
    .command('redrive')
    .description(
      'Send dead letters back to their source topic (original key, value and headers without dlq-*); only after Kafka acknowledged them does the redrive group <group>.dlq-redrive move past them. Nothing is deleted.',
    )
    .requiredOption('--group <group>', 'consumer group, e.g. dte-sync')
    .option('--topic <topic>', 'source topic (default: tenant.events with KAFKA_TOPIC_PREFIX)')
    .option('--limit <n>', 'redrive at most this many per partition')
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError(`--limit ${options.limit} must be a whole number >= 1`);
      const target = dlqTarget(options.group, options.topic ?? ctx.config.topics.tenantEvents);
      let progress: Progress | undefined;
      const { partitions, redriven, remaining, sent, failure } = await redriveDeadLetters(ctx.kafka(), target, {
        limit,
        onRead: (count) => (progress = startProgress(count, 'redriving', !ctx.json)),
        onSent: (count) => progress?.increment(count),
      }).finally(() => progress?.stop());
      const report = { ...target, redriven, remaining, messages: sent, error: failure };
      ctx.print(report, () =>
        [
          partitions === null
            ? `No dead-letter topic ${target.dlq_topic}: nothing to redrive.`
            : `Redrove ${redriven} dead letter(s) from ${target.dlq_topic} to ${[...new Set(sent.map((s) => s.topic))].join(', ') || target.source_topic}; ${remaining} left.`,
          ...(failure ? [`Stopped at the first failure (nothing after it was marked redriven): ${failure}`] : []),
        ].join('\n'),
      );
      if (failure) throw new CliError(`redrive stopped after ${redriven} message(s): ${failure}. Re-run to continue where it stopped.`, EXIT.failed);
    });
}
