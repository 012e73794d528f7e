import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { registerTenantDatabase } from '@tenantry/control-db';
import { createPostgresCluster, type PostgresCluster } from '@tenantry/testing';
import { REPO_ROOT } from '@tenantry/launch/services';
import type { BenchContext } from '../context.ts';
import { nowMs } from '../event-watch.ts';
import { buildControlSchema, buildTenantSchemas, insertLedgerRows } from '../fleet-fixture.ts';
import { BENCH_MIGRATION } from '../fleet-migrations.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { cpuTable, standardGroups, startCpuSampler, type CpuSplit } from '../samplers.ts';
import { checkTarget, perSecond, ratio, round } from '../stats.ts';

const MIGRATIONS_MODULE = 'tools/bench/fleet-migrations.ts';
const DATABASE = 'tenantry_bench';
/** The four tenant databases of the fleet: `main` is the control database, the others are registered. */
const FLEET_NAMES = ['main', 'db2', 'db3', 'db4'];

interface Server {
  cluster: PostgresCluster;
  url: string;
}

interface CliRun {
  label: string;
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
  cpu: CpuSplit;
}

interface UpReport {
  durationMs: number;
  summary: { selected: number; ok: number; failed: number };
  databases: { database: string; durationMs: number; error: { message: string } | null; summary: { selected: number; ok: number; failed: number } }[];
}

/** A server of the benchmark's own (pg_createcluster, Debian defaults) with an empty database. */
async function createServer(): Promise<Server> {
  const cluster = await createPostgresCluster();
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return { cluster, url: cluster.adminUrl.replace(/\/postgres$/, `/${DATABASE}`) };
}

/** `tenantry <args> --json` against the control database at `controlUrl`, timed from spawn to exit, with the CPU split. */
async function cli(label: string, args: string[], controlUrl: string): Promise<CliRun> {
  const started = nowMs();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'apps/cli/src/main.ts'), ...args, '--json', '--migrations-module', MIGRATIONS_MODULE], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: controlUrl, CONTROL_SCHEMA: 'control', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cpu = startCpuSampler(standardGroups(() => ({ [`tenantry ${args.slice(0, 2).join(' ')} (CLI)`]: child.pid })));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  return { label, code, ms: nowMs() - started, stdout, stderr, cpu: cpu.stop() };
}

function parse<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`${run.label} exited ${run.code} without a JSON report: ${run.stderr.slice(-1500)}`);
  }
}

/**
 * Builds the two fleets side by side: four servers with `perDatabase` schemas each (control schema
 * on the first, the other three registered), and one server with all 4 × `perDatabase`.
 */
async function buildFleets(ctx: BenchContext, fleet: Server[], single: Server, perDatabase: number): Promise<void> {
  await Promise.all([buildControlSchema(fleet[0].url), buildControlSchema(single.url)]);
  const control = new pg.Client({ connectionString: fleet[0].url });
  await control.connect();
  try {
    for (const [i, name] of FLEET_NAMES.entries()) if (i > 0) await registerTenantDatabase(control, 'control', { name, url: fleet[i].url });
  } finally {
    await control.end();
  }
  let built = 0;
  let lastLog = 0;
  const total = 8 * perDatabase;
  const progress = (step: number) => {
    built += step;
    if (nowMs() - lastLog > 30_000) {
      lastLog = nowMs();
      ctx.log(`fleet-databases: built ${built}/${total} schemas`);
    }
  };
  const counted = () => {
    let last = 0;
    return (done: number) => {
      progress(done - last);
      last = done;
    };
  };
  const singleIds: string[] = [];
  await Promise.all([
    ...FLEET_NAMES.map(async (name, i) => {
      const ids = Array.from({ length: perDatabase }, () => uuidv7());
      await buildTenantSchemas(fleet[i].url, ids, false, counted());
      await insertLedgerRows(fleet[0].url, ids, name);
    }),
    (async () => {
      singleIds.push(...Array.from({ length: 4 * perDatabase }, () => uuidv7()));
      await buildTenantSchemas(single.url, singleIds, false, counted());
      await insertLedgerRows(single.url, singleIds, 'main');
    })(),
  ]);
}

/**
 * Fleet `migrate up` over 4 databases × N schemas (4 local servers), beside one database × 4N in
 * the same run: total times and their ratio. On a shared 2-CPU machine the four servers share the
 * cores, so the point is that time grows with the schemas, not with the databases, and that a slow
 * or failed database holds up only its own schemas (the tests show the latter).
 */
export async function runFleetDatabases(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('fleet-databases', 'Fleet migration across tenant databases');
  const perDatabase = ctx.args.fleetScale;
  result.inputs = {
    'schemas per database (N)': perDatabase,
    'fleet': `4 tenant databases × ${perDatabase} schemas, one local PostgreSQL server (pg_createcluster, Debian defaults) each; the control schema on the first (main)`,
    'beside it': `1 database × ${4 * perDatabase} schemas on a fifth server of the same kind`,
    fixture: 'slim: the `users` table + migration bookkeeping per schema (as the fleet benchmark)',
    migration: `${BENCH_MIGRATION} (add column + create index on users)`,
    'migrate up options': 'defaults, per database: --concurrency 4 --canary 5 --lock-timeout 2s',
  };
  result.method = [
    'Five servers made with pg_createcluster on free ports (the machine\'s own 5432 server is not used), each with a fresh database. The fleet\'s control schema is on the first server; the three other databases are registered in it (`tenant_databases`).',
    'Fixture (not timed): N slim schemas on each fleet database and 4N on the single one, with their ledger rows (active, current schema_version, placed on their database).',
    '`tenantry migrate up --json` as its own process, timed from spawn to exit: first on the single database (4N), then on the fleet (4 × N, the databases in parallel). Then `migrate status` on each to confirm every schema is up to date.',
    'The ratio is fleet time ÷ single-database time for the same number of schemas.',
  ];
  const servers: Server[] = [];
  const release = async () => {
    await Promise.allSettled(servers.splice(0).map((s) => s.cluster.release()));
  };
  const unregister = ctx.onCleanup(release);
  try {
    for (let i = 0; i < 5; i++) servers.push(await createServer());
    const fleet = servers.slice(0, 4);
    const single = servers[4];
    const buildStarted = nowMs();
    await buildFleets(ctx, fleet, single, perDatabase);
    const buildMs = nowMs() - buildStarted;
    ctx.log(`fleet-databases: ${8 * perDatabase} schemas built in ${(buildMs / 1000).toFixed(0)} s`);

    const singleUp = await cli(`migrate up, 1 database × ${4 * perDatabase}`, ['migrate', 'up'], single.url);
    const singleReport = parse<UpReport>(singleUp);
    if (singleReport.summary.ok !== 4 * perDatabase) throw new Error(`single-database migrate up migrated ${singleReport.summary.ok}/${4 * perDatabase}, exit ${singleUp.code}: ${singleUp.stderr.slice(-800)}`);
    ctx.log(`fleet-databases: single database in ${(singleUp.ms / 1000).toFixed(1)} s`);
    const fleetUp = await cli(`migrate up, 4 databases × ${perDatabase}`, ['migrate', 'up'], fleet[0].url);
    const fleetReport = parse<UpReport>(fleetUp);
    if (fleetReport.summary.ok !== 4 * perDatabase) throw new Error(`fleet migrate up migrated ${fleetReport.summary.ok}/${4 * perDatabase}, exit ${fleetUp.code}: ${fleetUp.stderr.slice(-800)}`);
    ctx.log(`fleet-databases: fleet in ${(fleetUp.ms / 1000).toFixed(1)} s`);

    const statuses = await Promise.all([cli('migrate status (single)', ['migrate', 'status'], single.url), cli('migrate status (fleet)', ['migrate', 'status'], fleet[0].url)]);
    for (const status of statuses) {
      const upToDate = parse<{ summary: { upToDate: number } }>(status).summary.upToDate;
      if (upToDate !== 4 * perDatabase) throw new Error(`after migrate up, ${status.label} says ${upToDate}/${4 * perDatabase} up to date`);
    }

    const fleetRatio = ratio(fleetUp.ms, singleUp.ms);
    result.tables.push({
      title: 'Times (migrate up, from spawn to exit)',
      columns: ['run', 'schemas', 'seconds', 'schemas/s', 'engine seconds (report durationMs)', 'exit', 'migrated', 'failed'],
      rows: [singleUp, fleetUp].map((run, i) => {
        const report = [singleReport, fleetReport][i];
        return [run.label, 4 * perDatabase, round(run.ms / 1000, 1), perSecond(4 * perDatabase, run.ms), round(report.durationMs / 1000, 1), run.code, report.summary.ok, report.summary.failed];
      }),
    });
    result.tables.push({
      title: 'Fleet run per database (from its report section: status read, canary, the rest, ledger)',
      columns: ['database', 'schemas', 'seconds', 'schemas/s'],
      rows: fleetReport.databases.map((d) => [d.database, d.summary.selected, round(d.durationMs / 1000, 1), perSecond(d.summary.selected, d.durationMs)]),
    });
    result.tables.push({ title: `CPU during the single-database run (${singleUp.cpu.wallSeconds} s wall)`, ...cpuTable(singleUp.cpu) });
    result.tables.push({ title: `CPU during the fleet run (${fleetUp.cpu.wallSeconds} s wall)`, ...cpuTable(fleetUp.cpu) });
    result.targets.push(checkTarget(`fleet migrate up, 4 databases × ${perDatabase}, total`, round(fleetUp.ms / 1000, 1), '<=', 60, 's'));
    result.profile.push(
      `Ratio fleet ÷ single database: ${fleetRatio}× (${round(fleetUp.ms / 1000, 1)} s against ${round(singleUp.ms / 1000, 1)} s for the same ${4 * perDatabase} schemas; ` +
        `engine only, without process start and the control ledger read: ${ratio(fleetReport.durationMs, singleReport.durationMs)}×). ` +
        `The fleet ran ${4 * 4} schemas at a time (concurrency 4 on each database) against 4 for the single database, on the same ${availableParallelism()} CPUs.`,
    );
    if (perDatabase < 10_000) result.notes.push(`Run at N = ${perDatabase} (--fleet-scale); the issue's size is N = 10,000 (40,000 schemas in each run), where the 60 s target applies.`);
    result.inputs['fixture build (not measured)'] = `${round(buildMs / 1000, 0)} s`;
    result.data = { perDatabase, buildMs: Math.round(buildMs), singleMs: Math.round(singleUp.ms), fleetMs: Math.round(fleetUp.ms), ratio: fleetRatio,
      singleEngineMs: singleReport.durationMs, fleetEngineMs: fleetReport.durationMs, fleetDatabases: fleetReport.databases };
  } finally {
    unregister();
    await release();
  }
  return result;
}
