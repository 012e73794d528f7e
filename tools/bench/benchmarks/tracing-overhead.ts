import autocannon, { type Result } from 'autocannon';
import { startOtlpReceiver } from '@tenantry/e2e/otlp-receiver';
import { startBenchStack } from '../bench-stack.ts';
import type { BenchContext } from '../context.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { percentile, ratio } from '../stats.ts';
import { seedTenants } from './api-reads.ts';

/** tenant-api's tracing settings, each measured in the same run against the same data. */
const SETTINGS: { label: string; env: NodeJS.ProcessEnv }[] = [
  { label: 'tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', env: {} },
  { label: 'tracing on, every request sampled', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
  { label: 'tracing on, 10 % sampled', env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
];

/**
 * The cost of OpenTelemetry on `GET /v1/tenants/{id}`: tenant-api restarted with tracing off, on
 * with every trace sampled, and on with 10 % sampled, under the same autocannon load, in rounds
 * (off, all, 10 %, off, all, 10 %, ...) so that a machine whose load drifts during the run weighs
 * on every setting alike; the median round counts. Spans are exported (OTLP/HTTP protobuf, the
 * SDK's default) to a receiver in the harness that only counts them.
 */
export async function runTracingOverhead(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('tracing-overhead', 'Tracing overhead');
  const tenants = ctx.args.quick ? 1_000 : 10_000;
  const connections = 100;
  const rounds = ctx.args.quick ? 1 : 3;
  const duration = ctx.args.quick ? 3 : 10;
  const warmup = ctx.args.quick ? 1 : 2;
  result.inputs = { 'tenants in the database': tenants, connections, rounds, 'duration per setting and round': `${duration} s`, 'warm-up after each restart (not counted)': `${warmup} s` };
  result.method = [
    'The api-reads set-up (tenants bulk-inserted, superuser JWT, a random seeded tenant per request), one stack; tenant-api is restarted for each setting in each round.',
    'On: OTEL_EXPORTER_OTLP_ENDPOINT points at an OTLP/HTTP receiver in the harness process that answers 200 and discards the body (protocol http/protobuf, batch span processor defaults).',
    'A sampled request makes the http server span, the fastify request and handler spans and the pg spans of its query.',
    'Figures: the median round of each setting (req/s), with the lowest and highest round beside it.',
  ];
  const receiver = await startOtlpReceiver({ keepSpans: false });
  const stack = await startBenchStack('tracing', ctx.brokers);
  const unregister = ctx.onCleanup(async () => {
    await stack.stop();
    await receiver.close();
  });
  const runs = SETTINGS.map(() => [] as { run: Result; exports: number }[]);
  try {
    const ids = await seedTenants(stack, tenants);
    const headers = { authorization: `Bearer ${await stack.token()}` };
    const pick = () => ids[Math.floor(Math.random() * ids.length)];
    const load = (seconds: number) =>
      autocannon({ url: stack.baseUrl, connections, duration: seconds, headers, requests: [{ method: 'GET', setupRequest: (r: { path?: string }) => ({ ...r, path: `/v1/tenants/${pick()}` }) }] });
    for (let round = 1; round <= rounds; round++) {
      for (const [index, setting] of SETTINGS.entries()) {
        const env = Object.keys(setting.env).length ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...setting.env } : {};
        await stack.restart('tenant-api', env);
        await load(warmup);
        const before = receiver.exports();
        const run = await load(duration);
        runs[index].push({ run, exports: receiver.exports() - before });
        ctx.log(`tracing-overhead: round ${round}, ${setting.label}: ${Math.round(run.requests.average)} req/s, p99 ${run.latency.p99} ms`);
        if (run.non2xx > 0 || run.errors > 0) throw new Error(`${setting.label}: ${run.non2xx} non-2xx answers and ${run.errors} errors; the figures would be meaningless.`);
      }
    }
  } finally {
    unregister();
    await stack.stop();
    await receiver.close();
  }
  const rps = runs.map((settingRuns) => settingRuns.map(({ run }) => run.requests.average));
  const median = (values: number[]) => percentile(values, 50);
  const off = median(rps[0]);
  result.tables.push({
    title: 'GET /v1/tenants/{id} by tracing setting',
    columns: ['setting', 'req/s (median round)', 'ratio to off', 'lowest round', 'highest round', 'p99 ms (median round)', 'OTLP exports received'],
    rows: SETTINGS.map(({ label }, index) => [
      label,
      Math.round(median(rps[index])),
      ratio(median(rps[index]), off),
      Math.round(Math.min(...rps[index])),
      Math.round(Math.max(...rps[index])),
      median(runs[index].map(({ run }) => run.latency.p99)),
      runs[index].reduce((sum, { exports }) => sum + exports, 0),
    ]),
  });
  result.data = { runs: SETTINGS.map(({ label }, index) => ({ label, rounds: runs[index].map(({ run, exports }) => ({ requests: run.requests, latency: run.latency, exports })) })) };
  return result;
}
