import { commitGroupOffsets, groupState, planReset, UnknownPartitionError, UnknownTopicError } from '@tenantry/kafka';
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { describeTarget, parseResetTarget } from '../lib/reset-target.ts';
import { table } from '../lib/table.ts';

interface Options {
  group: string;
  to: string;
  topic?: string;
  partition?: string;
  dryRun?: boolean;
  allowNewGroup?: boolean;
}

export function register(program: Command) {
  commandGroup(program, 'replay', 'Re-read events: move a consumer group, or republish a tenant\'s history')
    .command('offsets')
    .description('Reset a consumer group\'s committed offsets (only while the group has no active members)')
    .requiredOption('--group <group>', 'consumer group, e.g. dte-sync')
    .requiredOption('--to <target>', 'earliest | latest | an ISO 8601 time | an offset')
    .option('--topic <topic>', 'topic (default: tenant.events with KAFKA_TOPIC_PREFIX)')
    .option('--partition <n>', 'only this partition (default: all)')
    .option('--dry-run', 'show per partition what would be read again; change nothing')
    .option('--allow-new-group', 'position a group that has no committed offsets on the topic yet')
    .action(async (options: Options, command: Command) => {
      const ctx = cliContext(command);
      const topic = options.topic ?? ctx.config.topics.tenantEvents;
      const target = parseResetTarget(options.to);
      const partition = options.partition === undefined ? undefined : Number(options.partition);
      if (partition !== undefined && !Number.isInteger(partition)) throw new CliError(`--partition ${options.partition} is not a partition number`);

      const admin = ctx.kafka().admin();
      await admin.connect();
      try {
        const group = await groupState(admin, options.group);
        const plan = await planReset(admin, options.group, topic, target, partition).catch(asRefusal);
        const known = plan.some((p) => p.current !== null);
        const active = group.members > 0;
        const report = {
          group: options.group,
          topic,
          to: describeTarget(target),
          dry_run: Boolean(options.dryRun),
          group_state: group.state,
          active_members: group.members,
          applied: false,
          partitions: plan,
          total_reread: plan.reduce((sum, p) => sum + p.reread, 0),
          total_to_read: plan.reduce((sum, p) => sum + p.to_read, 0),
        };
        const human = () => describeReset(report, group, active);

        if (!known && !options.allowNewGroup && !options.dryRun) {
          throw new CliError(
            `Consumer group ${options.group} has no committed offsets on ${topic}: check the name (typo?), or pass --allow-new-group to position a new group.`,
          );
        }
        if (options.dryRun) return ctx.print(report, human);
        if (active) {
          if (ctx.json) ctx.print({ ...report, error: 'group active' }, human);
          throw new CliError(
            `Refusing to reset: consumer group ${options.group} has ${group.members} active member(s) (state ${group.state}). Stop its consumers (e.g. the ${options.group} service) and run this again.`,
            EXIT.usage,
          );
        }
        await commitGroupOffsets(ctx.kafka(), options.group, topic, plan.map((p) => ({ partition: p.partition, offset: p.target }))).catch((error: unknown) => {
          // A member joined between the check and the commit: the broker refuses the offsets.
          throw new CliError(`Could not reset ${options.group}: ${(error as Error).message}. Is a consumer of the group running? Stop it and retry.`);
        });
        report.applied = true;
        ctx.print(report, human);
      } finally {
        await admin.disconnect();
      }
    });
}

function asRefusal(error: unknown): never {
  if (error instanceof UnknownTopicError) throw new CliError(`${error.message} (check --topic and KAFKA_TOPIC_PREFIX)`);
  if (error instanceof UnknownPartitionError) throw new CliError(error.message);
  throw error;
}

interface ResetReport {
  group: string;
  topic: string;
  to: string;
  dry_run: boolean;
  applied: boolean;
  partitions: Awaited<ReturnType<typeof planReset>>;
  total_reread: number;
  total_to_read: number;
}

/** The report as text; read when printed, so it says whether the reset was applied. */
function describeReset(report: ResetReport, group: { state: string; members: number }, active: boolean): string {
  return [
    `Consumer group ${report.group} on ${report.topic} (state ${group.state}, ${group.members} active member(s)) → ${report.to}${report.dry_run ? ' (dry run)' : ''}`,
    table([
      ['partition', 'committed', 'target', 'end', 're-read', 'to read', 'skipped'],
      ...report.partitions.map((p) => [p.partition, p.current, p.target, p.high, p.reread, p.to_read, p.skipped]),
    ]),
    `${report.total_reread} message(s) ${report.applied ? 'will' : 'would'} be read again; ${report.total_to_read} from the new position to the end.`,
    ...(report.dry_run && active ? ['Note: the group is active now; the real reset will be refused until its consumers are stopped.'] : []),
    ...(report.applied ? ['Offsets reset. Start the consumers again to re-read.'] : []),
  ].join('\n');
}
