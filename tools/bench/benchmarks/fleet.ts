import { spawn } from 'node:child_process';
import pg from 'pg';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '@tenantry/testing';
import { schemaNameFor } from '@tenantry/tenant-schema';
import { REPO_ROOT } from '@tenantry/launch/services';
import type { BenchContext } from '../context.ts';
import { ADMIN_URL, dropBenchDatabase } from '../databases.ts';
import { nowMs } from '../event-watch.ts';
import { buildFleet } from '../fleet-fixture.ts';
import { BENCH_MIGRATION } from '../fleet-migrations.ts';
import { memoryWindows } from '../memory-record.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { cpuTable, standardGroups, startBackendSampler, startCpuSampler, startMemorySampler, type BackendPeak, type CpuSplit, type PeakMemory } from '../samplers.ts';
import { checkTarget, perSecond, ratio, round, summarize } from '../stats.ts';

const MIGRATIONS_MODULE = 'tools/bench/fleet-migrations.ts';

/** The floor's DDL for one schema: the migration's shape (a column and an index on `users`) under other names, one transaction. */
export function floorDdl(schemaName: string, pass: string): string {
  const schema = `"${schemaName}"`;
  return `begin;\nalter table ${schema}.users add column floor_${pass} varchar(16) null;\ncreate index users_floor_${pass}_index on ${schema}.users (floor_${pass});\ncommit;\n`;
}

interface Timed {
  label: string;
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
  memory: PeakMemory[];
  backend: BackendPeak | null;
  cpu: CpuSplit;
  /** Transactions committed in the fleet database while it ran (pg_stat_database). */
  commits: number;
}

async function commitsIn(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    // Counters of backends that just exited may still be pending; a short wait lets them land.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>('select xact_commit as n from pg_stat_database where datname = $1', [database]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Runs a command as its own process, timing it and sampling its memory, its PostgreSQL backends' memory and the CPU split. */
async function timed(label: string, command: string, args: string[], env: NodeJS.ProcessEnv, database: string, timeoutMs = 15 * 60_000): Promise<Timed> {
  const commitsBefore = await commitsIn(database);
  const backends = await startBackendSampler(ADMIN_URL, database);
  const started = nowMs();
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const memory = startMemorySampler(() => [{ label, pid: child.pid! }]);
  const cpu = startCpuSampler(standardGroups(() => ({ [label]: child.pid })));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  // A hung run (e.g. a pool deadlock) must not hang the whole benchmark: SIGKILL after the limit.
  const killer = setTimeout(() => {
    stderr += `\n[bench] ${label} still running after ${timeoutMs / 60_000} min: killed\n`;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  clearTimeout(killer);
  const ms = nowMs() - started;
  const { largest } = await backends.stop();
  const result = { label, code, ms, stdout, stderr, memory: memory.stop(), backend: largest, cpu: cpu.stop() };
  return { ...result, commits: (await commitsIn(database)) - commitsBefore };
}

function cli(args: string[], url: string, database: string, label: string): Promise<Timed> {
  return timed(label, process.execPath, [resolve(REPO_ROOT, 'apps/cli/src/main.ts'), ...args, '--json', '--migrations-module', MIGRATIONS_MODULE], { DATABASE_URL: url, LOG_LEVEL: 'warn' }, database);
}

function parseJson<T>(run: Timed): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`${run.label} exited ${run.code} without a JSON report: ${run.stderr.slice(-1500)}`);
  }
}

/**
 * N tenant schemas, one new migration (a column and an index on `users`), `tenantry migrate up`
 * as an operator runs it; floor: the same DDL for every schema from one psql script.
 */
export async function runFleet(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('fleet', 'Fleet migration');
  const count = ctx.args.fleet;
  const full = ctx.args.fleetFull;
  result.inputs = {
    'tenant schemas': count,
    fixture: full ? 'every tenant migration (full schemas)' : 'slim: the `users` table + migration bookkeeping per schema',
    migration: `${BENCH_MIGRATION} (add column + create index on users)`,
    'migrate up options': 'defaults: --concurrency 4 --canary 5 --lock-timeout 2s',
  };
  result.method = [
    `${count} tenant schemas and their control-ledger rows (status active, schema_version current) in a fresh database.`,
    full
      ? 'Each schema is built with every shipped tenant migration (the floor SQL), 50 schemas per transaction over 2 sessions (not timed as part of the benchmark).'
      : 'Each schema holds the `users` table exactly as the tenant migrations create it, plus the `mikro_orm_migrations` bookkeeping naming every shipped migration: the migration only touches `users`, and building 10,000 full schemas (about 60 relations each) would take longer than the whole benchmark budget on this machine (see the POST → active floor). `--fleet-full` builds full schemas.',
    '`npm run tenantry -- migrate status --json` (pending), then `migrate up --json` with the benchmark migration appended through the CLI\'s `--migrations-module`, then `migrate status` again (up to date). Each is its own process, timed from spawn to exit.',
    'Floor: one `psql -v ON_ERROR_STOP=1 -f script.sql`, one transaction per schema: `ALTER TABLE users ADD COLUMN` + `CREATE INDEX` of the same shape under other names (DDL only: no bookkeeping, no ledger); run right before and right after the migration, and migrate up is compared with the mean.',
    'Memory: every 200 ms, /proc/<pid>/status of every PostgreSQL backend connected to the fleet database (RssAnon = private memory; VmHWM and RSS include shared buffers it touched), and of the CLI process.',
  ];
  const db = await createTestDatabase('tenantry_bench_fleet');
  const unregister = ctx.onCleanup(() => dropBenchDatabase(db.name));
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-fleet-'));
  const runs: Timed[] = [];
  let buildMs = 0;
  try {
    const buildStarted = nowMs();
    let lastLog = 0;
    const ids = await buildFleet(db.url, count, full, (done) => {
      if (nowMs() - lastLog > 30_000) {
        lastLog = nowMs();
        ctx.log(`fleet: built ${done}/${count} schemas`);
      }
    });
    buildMs = nowMs() - buildStarted;
    ctx.log(`fleet: ${count} schemas built in ${(buildMs / 1000).toFixed(0)} s`);

    // The floor runs right before and right after the migration (the load of a shared machine
    // drifts); migrate up is compared with the mean of the two.
    const floorPass = async (pass: string) => {
      const script = join(dir, `floor-${pass}.sql`);
      writeFileSync(script, ids.map((id) => floorDdl(schemaNameFor(id), pass)).join(''));
      const floor = await timed(`psql floor script (${pass})`, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', script], {}, db.name);
      if (floor.code !== 0) throw new Error(`the psql floor script failed (exit ${floor.code}): ${floor.stderr.slice(-800)}`);
      ctx.log(`fleet: psql floor (${pass}) in ${(floor.ms / 1000).toFixed(1)} s`);
      return floor;
    };
    const floorBefore = await floorPass('before');
    runs.push(floorBefore);

    const status1 = await cli(['migrate', 'status'], db.url, db.name, 'migrate status (pending)');
    runs.push(status1);
    const pending = parseJson<{ summary: { pendingSchemas: number } }>(status1).summary.pendingSchemas;
    if (pending !== count) throw new Error(`migrate status saw ${pending} schemas pending, expected ${count}: ${status1.stderr.slice(-500)}`);
    ctx.log(`fleet: migrate status in ${(status1.ms / 1000).toFixed(1)} s`);

    const up = await cli(['migrate', 'up'], db.url, db.name, 'migrate up');
    runs.push(up);
    const report = parseJson<{ summary: { ok: number; failed: number }; results: { durationMs: number; outcome: string }[] }>(up);
    if (report.summary.ok !== count) throw new Error(`migrate up migrated ${report.summary.ok}/${count} (failed ${report.summary.failed}), exit ${up.code}`);
    ctx.log(`fleet: migrate up in ${(up.ms / 1000).toFixed(1)} s`);

    const status2 = await cli(['migrate', 'status'], db.url, db.name, 'migrate status (up to date)');
    runs.push(status2);
    const upToDate = parseJson<{ summary: { upToDate: number } }>(status2).summary.upToDate;
    if (upToDate !== count) throw new Error(`after migrate up, migrate status says ${upToDate}/${count} up to date`);
    const floorAfter = await floorPass('after');
    runs.push(floorAfter);
    const floorMs = (floorBefore.ms + floorAfter.ms) / 2;

    memoryWindows.push({ window: `fleet migration (${count} schemas)`, processes: up.memory });
    const perSchema = summarize(report.results.map((r) => r.durationMs));
    result.tables.push({
      title: 'Times',
      columns: ['step', 'seconds', 'schemas/s', 'exit', 'transactions committed', 'largest backend: private (RssAnon) MiB', 'its VmHWM MiB', 'process peak RSS MiB'],
      rows: runs.map((run) => [
        run.label,
        round(run.ms / 1000, 1),
        run.label.startsWith('migrate status') ? null : perSecond(count, run.ms),
        run.code,
        run.commits,
        run.backend?.anonMiB ?? null,
        run.backend?.hwmMiB ?? null,
        run.memory[0]?.peakRssMiB ?? null,
      ]),
    });
    result.tables.push({
      title: 'Per schema inside migrate up (ms, from its report: lock, plan, DDL, bookkeeping, commit, ledger)',
      columns: ['p50', 'p90', 'p99', 'max'],
      rows: [[perSchema.p50, perSchema.p90, perSchema.p99, perSchema.max]],
    });
    result.tables.push({ title: `CPU during migrate up (${up.cpu.wallSeconds} s wall, ${up.cpu.capacitySeconds} CPU-s available, ${up.cpu.machineBusySeconds} busy)`, ...cpuTable(up.cpu) });
    result.tables.push({ title: `CPU during the psql floor, after (${floorAfter.cpu.wallSeconds} s wall)`, ...cpuTable(floorAfter.cpu) });

    const statusMs = Math.max(status1.ms, status2.ms);
    const largest = runs.map((r) => r.backend).filter((b): b is BackendPeak => b !== null).sort((a, b) => b.anonMiB - a.anonMiB)[0];
    result.targets.push(
      checkTarget('migrate up, total', round(up.ms / 1000, 1), '<=', 60, 's'),
      checkTarget('migrate up ÷ psql floor (mean of before and after)', ratio(up.ms, floorMs), '<=', 2, '×'),
      checkTarget('migrate status (slower of the two)', round(statusMs / 1000, 2), '<=', 5, 's'),
      checkTarget('largest PostgreSQL backend, private memory', largest ? largest.anonMiB : null, '<=', round(200 / 1.048576, 0), 'MiB'),
    );
    const cliShare = up.cpu.shares.find((s) => s.label === 'migrate up');
    const pgShare = up.cpu.shares.find((s) => s.label.startsWith('PostgreSQL'));
    result.profile.push(
      `migrate up: ${round(up.ms / 1000, 1)} s for ${count} schemas at concurrency 4 → ${perSecond(count, up.ms)} schemas/s; per schema p50 ${perSchema.p50} ms. ` +
        `The CLI process used ${cliShare?.cpuSeconds ?? '?'} CPU-s and PostgreSQL ${pgShare?.cpuSeconds ?? '?'} CPU-s of ${up.cpu.capacitySeconds} available; ` +
        `the floor needed ${round(floorBefore.ms / 1000, 1)} s before and ${round(floorAfter.ms / 1000, 1)} s after (${perSecond(count, floorMs)} schemas/s on average) from one session.`,
    );
    if (largest) result.profile.push(`Largest backend seen: ${largest.anonMiB} MiB private (VmHWM ${largest.hwmMiB} MiB incl. shared buffers), application "${largest.application || '?'}", running: ${largest.query.slice(0, 100)}`);
    const perSchemaCommits = (run: Timed) => round(run.commits / count, 1);
    result.profile.push(
      `Transactions committed in the fleet database per schema: migrate up ${perSchemaCommits(up)}, the psql floor ${perSchemaCommits(floorAfter)} ` +
        `(pg_stat_database.xact_commit; the migration's own transaction plus the control-ledger update, the lock and the status reads).`,
    );
    const missed = (label: string) => result.targets.find((t) => t.label.startsWith(label) && !t.met);
    if (missed('migrate up')) {
      const cliPerSchema = cliShare ? round((cliShare.cpuSeconds * 1000) / count, 2) : null;
      const pgPerSchema = pgShare ? round((pgShare.cpuSeconds * 1000) / count, 2) : null;
      const floorPg = floorAfter.cpu.shares.find((s) => s.label.startsWith('PostgreSQL'));
      result.closeGap.push(
        `migrate up is CPU-bound on both sides of the connection: ${cliPerSchema} ms of Node CPU per schema in the CLI (two round trips per schema on plain pg, the batched ledger writes, the report) and ${pgPerSchema} ms of PostgreSQL CPU per schema ` +
          `against ${floorPg ? round((floorPg.cpuSeconds * 1000) / count, 2) : '?'} ms for the floor (all backends, other users included). ` +
          `It commits ${perSchemaCommits(up)} transactions per schema against the floor's ${perSchemaCommits(floorAfter)}. ` +
          'On PostgreSQL\'s side the tracking table is most of the difference: reading it under the lock and inserting the new row opens a relation the floor never touches (about 0.9 ms per schema measured with psql variants of the floor). Sending the lock and read together with the DDL and commit (one round trip, falling back to two when the plan turns out stale) would save one wake-up on each side per schema.',
      );
    }
    if (missed('migrate status')) {
      const slower = status2.ms >= status1.ms ? status2 : status1;
      const reads = parseJson<{ reads: { durationMs: number; batches: number; connections: number } }>(slower).reads;
      result.closeGap.push(
        `migrate status took ${round(status1.ms / 1000, 1)} s before and ${round(status2.ms / 1000, 1)} s after the migration; in the slower one, reading the ${count} tracking tables took ${round(reads.durationMs / 1000, 1)} s ` +
          `(${reads.batches} batched queries over ${reads.connections} connection(s)) and the remaining ${round((slower.ms - reads.durationMs) / 1000, 1)} s went to process start-up, the control ledger and the JSON output. ` +
          (reads.durationMs > slower.ms / 2
            ? 'Reading every tracking table is what the drift check needs; answering from the control ledger alone by default (migrate up keeps it current per schema) and reading the tracking tables only when asked to verify would make the everyday status one query.'
            : 'Most of it is not the schema reads: a faster start (fewer modules loaded for `migrate status`) and a leaner ledger read would bring it under 5 s.'),
      );
    }
    result.notes.push('200 MB target = 190.7 MiB; judged on the backend\'s private memory (RssAnon), since RSS and VmHWM also count the shared buffers a backend touched, which belong to the server, not the backend.');
    result.data = { count, full, buildMs: Math.round(buildMs), runs: runs.map(({ stdout: _stdout, stderr: _stderr, ...rest }) => rest), perSchema };
    result.inputs['fixture build (not measured)'] = `${round(buildMs / 1000, 0)} s`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    unregister();
    await dropBenchDatabase(db.name);
  }
  return result;
}
