import { dlqPartitions, dlqTarget, readRange, summarize } from '@tenantry/kafka';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';

interface Options {
  group: string;
  topic?: string;
  partition: string;
}

function valueOf(raw: Buffer | null): unknown {
  if (raw === null) return null;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function register(program: Command) {
  commandGroup(program, 'dlq', 'Dead letters: <topic>.<group>.dlq')
    .command('show')
    .description('Show one dead letter in full: key, headers, error, value')
    .argument('<offset>', 'offset in the dead-letter topic (see dlq list)')
    .requiredOption('--group <group>', 'consumer group, e.g. dte-sync')
    .option('--topic <topic>', 'source topic (default: tenant.events with KAFKA_TOPIC_PREFIX)')
    .option('--partition <n>', 'partition of the dead-letter topic', '0')
    .action(async (offsetText: string, options: Options, command: Command) => {
      const ctx = cliContext(command);
      if (!/^\d+$/.test(offsetText)) throw new CliError(`${JSON.stringify(offsetText)} is not an offset (a whole number)`);
      const partition = Number(options.partition);
      const target = dlqTarget(options.group, options.topic ?? ctx.config.topics.tenantEvents);
      const admin = ctx.kafka().admin();
      await admin.connect();
      try {
        const partitions = await dlqPartitions(admin, target);
        if (!partitions) throw new CliError(`No dead-letter topic ${target.dlq_topic}`);
        const p = partitions.find((entry) => entry.partition === partition);
        if (!p) throw new CliError(`${target.dlq_topic} has no partition ${partition}`);
        const offset = BigInt(offsetText);
        if (offset < BigInt(p.low) || offset >= BigInt(p.high)) {
          throw new CliError(`${target.dlq_topic}[${partition}] holds offsets ${p.low}..${BigInt(p.high) - 1n}; ${offset} is not one of them`);
        }
        const [message] = await readRange(ctx.kafka(), target.dlq_topic, [{ partition, from: offset.toString(), to: (offset + 1n).toString() }]);
        const summary = summarize(message, new Map([[partition, p.redriven_up_to]]));
        const headers = Object.fromEntries(
          Object.entries(message.message.headers ?? {}).map(([name, value]) => [name, (Array.isArray(value) ? value[0] : value)?.toString() ?? null]),
        );
        const value = valueOf(message.message.value);
        const report = { ...target, ...summary, headers, value };
        ctx.print(report, () =>
          [
            `${target.dlq_topic}[${partition}]@${summary.offset}${summary.redriven ? ' (already redriven)' : ''}`,
            `key:      ${summary.key ?? '-'}`,
            `type:     ${summary.event_type ?? '-'}  id: ${summary.event_id ?? '-'}`,
            `source:   ${summary.dlq ? `${summary.dlq.source_topic}[${summary.dlq.source_partition}]@${summary.dlq.source_offset}` : '-'}`,
            `attempts: ${summary.dlq?.attempts ?? '-'}  failed at: ${summary.dlq?.failed_at ?? '-'}`,
            `error:    ${summary.dlq?.error ?? '-'}`,
            'headers:',
            ...Object.entries(headers).map(([name, text]) => `  ${name}: ${text}`),
            'value:',
            typeof value === 'string' ? value : JSON.stringify(value, null, 2),
          ].join('\n'),
        );
      } finally {
        await admin.disconnect();
      }
    });
}
