import { createIdempotentProducer, readDeadLetterInfo, stripDeadLetterHeaders } from '@tenantry/kafka';
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { commitGroupOffsets } from '../lib/commit-offsets.ts';
import { cliContext } from '../lib/context.ts';
import { dlqPartitions, dlqTarget, rangesOf } from '../lib/dead-letters.ts';
import { startProgress } from '../lib/progress.ts';
import { readRange, type RangeMessage } from '../lib/read-range.ts';

interface Options {
  group: string;
  topic?: string;
  limit?: string;
}

const BATCH = 100;

/** Consecutive messages of one partition bound for the same source topic, at most BATCH long. */
function batches(messages: RangeMessage[], fallbackTopic: string) {
  const out: { partition: number; topic: string; items: RangeMessage[] }[] = [];
  for (const item of messages) {
    const topic = readDeadLetterInfo(item.message.headers)?.sourceTopic ?? fallbackTopic;
    const last = out.at(-1);
    if (last && last.partition === item.partition && last.topic === topic && last.items.length < BATCH) last.items.push(item);
    else out.push({ partition: item.partition, topic, items: [item] });
  }
  return out;
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
      const target = dlqTarget(ctx, options);
      const admin = ctx.kafka().admin();
      await admin.connect();
      const producer = createIdempotentProducer(ctx.kafka());
      let redriven = 0;
      let failure: string | null = null;
      const sent: { partition: number; offset: string; topic: string; key: string | null }[] = [];
      try {
        const partitions = await dlqPartitions(admin, target);
        const messages = partitions ? await readRange(ctx.kafka(), target.dlq_topic, rangesOf(partitions, { limit })) : [];
        const progress = startProgress(messages.length, 'redriving', !ctx.json);
        try {
          for (const batch of batches(messages, target.source_topic)) {
            try {
              await producer.send(
                batch.topic,
                batch.items.map(({ message }) => ({ key: message.key, value: message.value, headers: stripDeadLetterHeaders(message.headers) })),
              );
              // Acknowledged by Kafka: only now is the redrive mark moved past these messages.
              const next = (BigInt(batch.items.at(-1)!.message.offset) + 1n).toString();
              await commitGroupOffsets(ctx.kafka(), target.redrive_group, target.dlq_topic, [{ partition: batch.partition, offset: next }]);
            } catch (error) {
              failure = `${(error as Error).name}: ${(error as Error).message}`;
              break;
            }
            redriven += batch.items.length;
            for (const { partition, message } of batch.items) {
              sent.push({ partition, offset: message.offset, topic: batch.topic, key: message.key?.toString('utf8') ?? null });
            }
            progress.increment(batch.items.length);
          }
        } finally {
          progress.stop();
        }
        const left = (partitions ?? []).reduce((sum, p) => sum + p.pending, 0) - redriven;
        const report = { ...target, redriven, remaining: left, messages: sent, error: failure };
        ctx.print(report, () =>
          [
            partitions === null
              ? `No dead-letter topic ${target.dlq_topic}: nothing to redrive.`
              : `Redrove ${redriven} dead letter(s) from ${target.dlq_topic} to ${[...new Set(sent.map((s) => s.topic))].join(', ') || target.source_topic}; ${left} left.`,
            ...(failure ? [`Stopped at the first failure (nothing after it was marked redriven): ${failure}`] : []),
          ].join('\n'),
        );
        if (failure) throw new CliError(`redrive stopped after ${redriven} message(s): ${failure}. Re-run to continue where it stopped.`, EXIT.failed);
      } finally {
        await producer.disconnect();
        await admin.disconnect();
      }
    });
}
