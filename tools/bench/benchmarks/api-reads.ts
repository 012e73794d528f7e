import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { v7 as uuidv7 } from 'uuid';
import { rutCheckDigit } from '@tenantry/tenant-events';
import { LATEST_TENANT_MIGRATION } from '@tenantry/tenant-migrations';
import { startBenchStack, BENCH_USER, type BenchStack } from '../bench-stack.ts';
import type { BenchContext } from '../context.ts';
import { freePort } from '@tenantry/e2e/stack';
import { REPO_ROOT } from '@tenantry/launch/services';
import { busyAreas, readCpuProfileDir, summarizeCpuProfile, type ProfileSummary } from '../cpu-profile.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { cpuTable, standardGroups, startCpuSampler, type CpuSplit } from '../samplers.ts';
import { checkTarget, ratio, round } from '../stats.ts';

/** Inserts `count` tenants straight into the control tables (rows as tenant-api writes them), each with the bench user as admin. */
export async function seedTenants(stack: BenchStack, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uuidv7());
  const rutBase = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  const ruts = ids.map((_, i) => `${rutBase + i}-${rutCheckDigit(String(rutBase + i))}`);
  const { rows } = await stack.pool.query<{ id: string }>('select id from control.users where lower(email) = $1', [BENCH_USER.email]);
  const userId = rows[0]?.id;
  if (!userId) throw new Error('the bench superuser is missing from control.users');
  const client = await stack.pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into control.tenants (id, name, slug, description, business_type, status, schema_name, schema_version, rut, address, commune, city,
                                    post_code, country_code, giro, billing_day, economic_activities, plan_id, user_limit, group_id, settings,
                                    version, created_at, updated_at)
       select id, 'Seeded Tenant ' || n || ' SpA', 'seeded-tenant-' || n, 'Seeded for the read benchmark', 'other', 'active',
              'tenant_' || replace(id::text, '-', ''), $3, rut, 'Av. Providencia ' || n, 'Providencia', 'Santiago', null, 'CL',
              'Venta al por menor', 1, '[{"code":"479100","name":"Venta por internet","category":"1ra","taxable":true}]'::jsonb, 'free',
              null, null, '{"default_currency":"CLP","timezone":"America/Santiago"}'::jsonb, 2,
              now() - (($4::int - n) * interval '1 second'), now() - (($4::int - n) * interval '1 second')
         from unnest($1::uuid[], $2::text[]) with ordinality as t(id, rut, n)`,
      [ids, ruts, LATEST_TENANT_MIGRATION, count],
    );
    await client.query(
      `insert into control.memberships (tenant_id, user_id, role, status) select id, $2, 'admin', 'active' from unnest($1::uuid[]) as t(id)`,
      [ids, userId],
    );
    await client.query('commit');
    await client.query('analyze control.tenants; analyze control.memberships; analyze control.users');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return ids;
}

async function startBareServer(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'tools/bench/bare-server.ts')], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error('the bare Fastify server did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('listening')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => fail(new Error(`the bare Fastify server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Run {
  label: string;
  result: Result;
  cpu: CpuSplit;
}

/**
 * GET /v1/tenants/{id} and GET /v1/tenants?limit=50 with a superuser JWT under autocannon, against
 * 10,000 tenants, compared with a bare Fastify route served the same way in the same run.
 */
export async function runApiReads(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('api-reads', 'API reads');
  const tenants = ctx.args.quick ? 1_000 : 10_000;
  const connections = 100;
  const duration = ctx.args.quick ? 3 : 20;
  const warmup = ctx.args.quick ? 1 : 3;
  result.inputs = { 'tenants in the database': tenants, connections, 'duration per route': `${duration} s`, 'warm-up per route (not counted)': `${warmup} s`, pipelining: 1 };
  result.method = [
    `autocannon ${connections} connections, ${duration} s per route, in the harness process; each route gets a ${warmup} s warm-up run first.`,
    'Tenants are bulk-inserted into `control.tenants` (all columns as tenant-api writes them, RUTs valid) with one admin membership each, then ANALYZEd; they need no schemas for reads.',
    '`GET /v1/tenants/{id}` picks a random seeded tenant per request (so the response carries `members`); `GET /v1/tenants?limit=50` is the first page, newest first, as a superuser.',
    'Floor: a bare Fastify 5 route returning `{"ok":true}` in its own Node 24 process, no logger, no auth, same autocannon settings.',
    'tenant-api runs with its defaults (LOG_LEVEL info, at which a successful read writes no request log line; JWT verification, problem+json, metrics).',
  ];
  const stack = await startBenchStack('reads', ctx.brokers);
  const unregister = ctx.onCleanup(() => stack.stop());
  const bare = await startBareServer();
  const unregisterBare = ctx.onCleanup(() => bare.stop());
  const runs: Run[] = [];
  const profiles: { label: string; summary: ProfileSummary }[] = [];
  const profileSeconds = ctx.args.quick ? 2 : 5;
  try {
    const ids = await seedTenants(stack, tenants);
    const token = await stack.token();
    const headers = { authorization: `Bearer ${token}` };
    // The load itself is autocannon's raw HTTP; one call through the client checks the route first.
    const check = await stack.api.GET('/v1/tenants/{id}', { params: { path: { id: ids[0] } } });
    if (!check.data) throw new Error(`GET /v1/tenants/{id} answered ${check.response.status}: ${JSON.stringify(check.error)}`);
    const pick = () => ids[Math.floor(Math.random() * ids.length)];
    const targets = [
      { label: 'bare Fastify route (floor)', url: `${bare.url}/bare`, options: {}, pid: bare.pid },
      { label: 'GET /v1/tenants/{id}', url: stack.baseUrl, options: { headers, requests: [{ method: 'GET', setupRequest: (r: { path?: string }) => ({ ...r, path: `/v1/tenants/${pick()}` }) }] }, pid: stack.pids()['tenant-api'] },
      { label: 'GET /v1/tenants?limit=50', url: `${stack.baseUrl}/v1/tenants?limit=50`, options: { headers }, pid: stack.pids()['tenant-api'] },
    ];
    for (const target of targets) {
      await autocannon({ url: target.url, connections, duration: warmup, ...target.options });
      const sampler = startCpuSampler(standardGroups(() => ({ [target.label.startsWith('bare') ? 'bare Fastify server' : 'tenant-api']: target.pid })));
      const run = await autocannon({ url: target.url, connections, duration, ...target.options });
      runs.push({ label: target.label, result: run, cpu: sampler.stop() });
      ctx.log(`api-reads: ${target.label}: ${Math.round(run.requests.average)} req/s, p99 ${run.latency.p99} ms`);
      if (run.non2xx > 0 || run.errors > 0) throw new Error(`${target.label}: ${run.non2xx} non-2xx answers and ${run.errors} errors; the figures would be meaningless.`);
    }
    // A separate, shorter run per API route with tenant-api under V8's sampling profiler (its
    // overhead stays out of the figures above): where does tenant-api's CPU go?
    for (const target of targets.slice(1)) {
      const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-prof-'));
      try {
        await stack.restart('tenant-api', { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
        const runStarted = performance.now();
        await autocannon({ url: target.url, connections, duration: profileSeconds, ...target.options });
        const runEnded = performance.now();
        await stack.services.get('tenant-api')!.stop();
        const exited = performance.now();
        // Only the load run: start-up (module loading) and shutdown are left out.
        const window = { fromEndMs: exited - runStarted, toEndMs: exited - runEnded };
        profiles.push({ label: target.label, summary: summarizeCpuProfile(readCpuProfileDir(dir), window) });
      } catch (error) {
        ctx.log(`api-reads: profiling ${target.label} failed: ${(error as Error).message}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    unregisterBare();
    await bare.stop();
    unregister();
    await stack.stop();
  }
  const floor = runs[0].result.requests.average;
  result.tables.push({
    title: 'Throughput and latency',
    columns: ['route', 'req/s (mean)', 'ratio to the bare route', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors'],
    rows: runs.map(({ label, result: r }) => [label, Math.round(r.requests.average), ratio(r.requests.average, floor), r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max, r.requests.total, r.non2xx, r.errors]),
  });
  for (const run of runs.slice(1)) {
    result.targets.push(
      checkTarget(`${run.label}: req/s ÷ bare route`, ratio(run.result.requests.average, floor), '>=', 0.2, '×'),
      checkTarget(`${run.label}: p99`, run.result.latency.p99, '<=', 25, 'ms'),
    );
    result.tables.push({ title: `CPU during ${run.label} (${run.cpu.wallSeconds} s wall, ${run.cpu.capacitySeconds} CPU-s available, ${run.cpu.machineBusySeconds} busy)`, ...cpuTable(run.cpu) });
    const api = run.cpu.shares.find((s) => s.label === 'tenant-api');
    const pgShare = run.cpu.shares.find((s) => s.label.startsWith('PostgreSQL'));
    const harness = run.cpu.shares.find((s) => s.label.startsWith('bench harness'));
    if (api && pgShare && harness) {
      const perRequestMs = (seconds: number) => round((seconds * 1000) / run.result.requests.total, 2);
      result.profile.push(
        `${run.label}: tenant-api used ${api.cpuSeconds} CPU-s (${perRequestMs(api.cpuSeconds)} ms of CPU per request), PostgreSQL ${pgShare.cpuSeconds} CPU-s ` +
          `(${perRequestMs(pgShare.cpuSeconds)} ms per request), the load generator ${harness.cpuSeconds} CPU-s, of ${run.cpu.capacitySeconds} CPU-s the machine had.`,
      );
    }
  }
  for (const { label, summary } of profiles) {
    const areas = busyAreas(summary, 10);
    result.tables.push({
      title: `tenant-api CPU profile under ${label} (${profileSeconds} s, V8 sampling profiler; self time by package / project area, share of busy samples)`,
      columns: ['where', 'self ms', '% of busy'],
      rows: areas.map((a) => [a.area, a.ms, a.percentOfBusy]),
    });
    result.tables.push({
      title: `Hottest functions (self time) under ${label}`,
      columns: ['function', 'where', 'self ms', '% of all samples'],
      rows: summary.topFunctions.slice(0, 8).map((f) => [f.fn, f.where, f.ms, f.percent]),
    });
    const idle = summary.byArea.find((a) => a.area === '(idle)')?.percent ?? 0;
    result.profile.push(`${label}: tenant-api's main thread was busy ${round(100 - idle, 0)} % of the profiled run; the top of its busy CPU is ${areas.slice(0, 4).map((a) => `${a.area} ${a.percentOfBusy} %`).join(', ')}.`);
  }
  const bareRun = runs[0].result;
  if (result.targets.some((t) => !t.met)) {
    // Little's law for a closed loop: latency ≈ connections / throughput.
    const neededRps = Math.round((connections * 1000) / 25);
    const slowest = Math.min(...runs.slice(1).map((r) => r.result.requests.average));
    result.closeGap.push(
      `p99 ≤ 25 ms with ${connections} connections always in flight needs at least ~${neededRps} req/s (Little's law: mean latency ≈ connections ÷ throughput); tenant-api served ${Math.round(slowest)}–${Math.round(Math.max(...runs.slice(1).map((r) => r.result.requests.average)))} req/s, ` +
        (bareRun.latency.p99 > 25
          ? `and even the bare route only managed ${Math.round(bareRun.requests.average)} req/s with p99 ${bareRun.latency.p99} ms here in this run, so on this machine the latency target needs fewer connections or more CPUs whatever tenant-api does.`
          : `while the bare route did ${Math.round(bareRun.requests.average)} req/s with p99 ${bareRun.latency.p99} ms: the latency target follows from the throughput one.`),
    );
    for (const run of runs.slice(1)) {
      const apiShare = run.cpu.shares.find((s) => s.label === 'tenant-api');
      const pgShare = run.cpu.shares.find((s) => s.label.startsWith('PostgreSQL'));
      const harness = run.cpu.shares.find((s) => s.label.startsWith('bench harness'));
      if (!apiShare || !pgShare || !harness) continue;
      const perRequestMs = (seconds: number) => (seconds * 1000) / run.result.requests.total;
      const bytes = Math.round(run.result.throughput.average / Math.max(run.result.requests.average, 1));
      // CPU the three need per second at the throughput target, against the CPUs the machine has.
      const targetRps = 0.2 * bareRun.requests.average;
      const needed = (targetRps * perRequestMs(apiShare.cpuSeconds + pgShare.cpuSeconds + harness.cpuSeconds)) / 1000;
      const cores = run.cpu.capacitySeconds / run.cpu.wallSeconds;
      result.closeGap.push(
        `${run.label}: one SQL statement per request (user check, access and data in one round trip); ${round(perRequestMs(apiShare.cpuSeconds), 2)} ms of tenant-api CPU, ` +
          `${round(perRequestMs(pgShare.cpuSeconds), 2)} ms of PostgreSQL CPU (all backends) and ${round(perRequestMs(harness.cpuSeconds), 2)} ms of load generator CPU per request, ` +
          `~${bytes} bytes per answer (where tenant-api's CPU goes: the profile tables). At 0.2× the bare route (${Math.round(targetRps)} req/s) these three alone would need ` +
          `${round(needed, 1)} CPUs; the machine has ${round(cores, 0)}.`,
      );
    }
  }
  result.data = { profiles, runs: runs.map(({ label, result: r, cpu }) => ({ label, requests: r.requests, latency: r.latency, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, cpu })) };
  return result;
}
