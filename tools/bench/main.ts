// `npm run bench`: brings up PostgreSQL and Kafka if needed, runs the benchmarks against the real
// stack on fresh databases and a fresh topic prefix, writes docs/benchmarks.{md,json}, cleans up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensurePostgres } from '@tenantry/launch/ensure-postgres';
import { REPO_ROOT } from '@tenantry/launch/services';
import { benchBroker } from './broker.ts';
import { BENCHMARKS, UsageError, benchmarksToRun, parseArgs, type BenchArgs, type BenchName } from './args.ts';
import type { BenchContext } from './context.ts';
import { ADMIN_URL } from './databases.ts';
import { machineInfo, versionsAndSettings } from './machine.ts';
import { emptyResult, renderJson, renderMarkdown, type BenchReport, type BenchResult } from './report.ts';
import { startLoadWatch } from './samplers.ts';
import { runPostToActive } from './benchmarks/post-to-active.ts';
import { runEventLatency } from './benchmarks/event-latency.ts';
import { runApiReads } from './benchmarks/api-reads.ts';
import { runTracingOverhead } from './benchmarks/tracing-overhead.ts';
import { runBurst } from './benchmarks/burst.ts';
import { runFleet } from './benchmarks/fleet.ts';
import { runFleetDatabases } from './benchmarks/fleet-databases.ts';
import { runTenantMove } from './benchmarks/tenant-move.ts';
import { runTenantArchive } from './benchmarks/tenant-archive.ts';
import { memoryResult } from './benchmarks/memory.ts';

// kafkajs 2.2.4 schedules a negative setTimeout on Node >= 23 (harmless); keep that warning quiet.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const RUNNERS: Partial<Record<BenchName, (ctx: BenchContext) => Promise<BenchResult | BenchResult[]>>> = {
  'post-to-active': runPostToActive,
  'event-latency': runEventLatency,
  'api-reads': runApiReads,
  'tracing-overhead': runTracingOverhead,
  burst: runBurst,
  fleet: runFleet,
  'fleet-databases': runFleetDatabases,
  'tenant-move': runTenantMove,
  'tenant-archive': runTenantArchive,
  memory: async () => memoryResult(),
};
const TITLES: Record<BenchName, string> = {
  'post-to-active': 'POST → active',
  burst: 'Burst',
  'api-reads': 'API reads',
  'tracing-overhead': 'Tracing overhead',
  'event-latency': 'Event latency',
  fleet: 'Fleet migration',
  'fleet-databases': 'Fleet migration across tenant databases',
  'tenant-move': 'Online tenant move',
  'tenant-archive': 'Tenant export and import',
  memory: 'Memory',
};

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const partial = args.quick || args.only.length < BENCHMARKS.length;
  const outArgGiven = process.argv.includes('--out');
  // A smoke or partial run must not overwrite the committed report by accident.
  const outDir = resolve(REPO_ROOT, outArgGiven || !partial ? args.out : '.data/bench');
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  const cleanups = new Set<() => Promise<void>>();
  let interrupted = false;
  const runCleanups = async () => {
    for (const cleanup of [...cleanups].reverse()) {
      cleanups.delete(cleanup);
      await cleanup().catch((error: unknown) => log(`cleanup failed: ${(error as Error).message}`));
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      log(`${signal}: stopping the services and dropping the benchmark databases (again to exit at once)`);
      void runCleanups().finally(() => process.exit(130));
    });
  }

  try {
    return await run(args, outDir, log, cleanups, () => interrupted);
  } finally {
    await runCleanups();
  }
}

async function run(args: BenchArgs, outDir: string, log: (line: string) => void, cleanups: Set<() => Promise<void>>, interrupted: () => boolean): Promise<number> {
  const started = performance.now();
  await ensurePostgres(undefined, log);
  const broker = await benchBroker(args.privateBroker, log);
  cleanups.add(() => broker.stop());
  const load = startLoadWatch();
  const { versions, settings } = await versionsAndSettings(ADMIN_URL);
  if (settings['PostgreSQL fsync'] !== 'on' || settings['PostgreSQL synchronous_commit'] !== 'on') {
    log('warning: fsync or synchronous_commit is off on this server; the figures would not be comparable with a durable setup.');
  }
  const ctx: BenchContext = {
    args,
    brokers: broker.brokers,
    log,
    onCleanup(cleanup) {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
  };

  const toRun = benchmarksToRun(args.only);
  const results: BenchResult[] = [];
  for (const name of BENCHMARKS) {
    const runner = RUNNERS[name];
    if (!toRun.has(name) || !runner) continue;
    log(`${name}: starting`);
    const benchStarted = performance.now();
    try {
      const produced = await runner(ctx);
      for (const result of Array.isArray(produced) ? produced : [produced]) {
        result.durationMs = result.durationMs || Math.round(performance.now() - benchStarted);
        results.push(result);
        for (const target of result.targets) log(`${result.name}: ${target.label}: ${target.actual} (${target.met ? 'met' : 'MISSED'})`);
      }
    } catch (error) {
      const failed = emptyResult(name, TITLES[name]);
      failed.status = 'failed';
      failed.error = (error as Error).message.split('\n')[0];
      failed.notes.push(...(error as Error).message.split('\n').slice(1, 20));
      failed.durationMs = Math.round(performance.now() - benchStarted);
      results.push(failed);
      log(`${name}: FAILED: ${(error as Error).stack ?? error}`);
    }
    if (interrupted()) return 130;
  }

  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: args.quick,
    totalMs: Math.round(performance.now() - started),
    machine: machineInfo(),
    versions,
    settings: { 'Kafka broker': broker.description, ...settings },
    load: load.stop(),
    results,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(resolve(outDir, 'benchmarks.md'), renderMarkdown(report));
  writeFileSync(resolve(outDir, 'benchmarks.json'), renderJson(report));
  log(`report written to ${outDir}/benchmarks.md and benchmarks.json (${(report.totalMs / 60_000).toFixed(1)} min)`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`npm run bench failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
