import autocannon, { type Result } from 'autocannon';
import { startOtlpReceiver } from '@tenantry/e2e/otlp-receiver';
import { startBenchStack } from '../bench-stack.ts';
import type { BenchContext } from '../context.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { ratio } from '../stats.ts';
import { seedTenants } from './api-reads.ts';

/** tenant-api's tracing settings, each measured in the same run against the same data. */
const SETTINGS: { label: string; env: NodeJS.ProcessEnv }[] = [
  { label: 'tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', env: {} },
  { label: 'tracing on, every request sampled', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
  { label: 'tracing on, 10 % sampled', env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
  // Drift of the machine over the run (other load, caches) shows against the first row.
  { label: 'tracing off again', env: {} },
];

/**
 * The cost of OpenTelemetry on `GET /v1/tenants/{id}`: tenant-api restarted with tracing off, on
 * with every trace sampled, and on with 10 % sampled, each under the same autocannon load, with
 * spans exported (OTLP/HTTP protobuf, the SDK's default) to a receiver in the harness that only
 * counts them.
 */
export async function runTracingOverhead(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('tracing-overhead', 'Tracing overhead');
  const tenants = ctx.args.quick ? 1_000 : 10_000;
  const connections = 100;
  const duration = ctx.args.quick ? 3 : 20;
  const warmup = ctx.args.quick ? 1 : 3;
  result.inputs = { 'tenants in the database': tenants, connections, 'duration per setting': `${duration} s`, 'warm-up per setting (not counted)': `${warmup} s` };
  result.method = [
    'The api-reads set-up (tenants bulk-inserted, superuser JWT, a random seeded tenant per request), one stack; tenant-api is restarted for each setting.',
    'On: OTEL_EXPORTER_OTLP_ENDPOINT points at an OTLP/HTTP receiver in the harness process that answers 200 and discards the body (protocol http/protobuf, batch span processor defaults).',
    'A sampled request makes the http server span, the fastify request and handler spans and the pg spans of its query.',
  ];
  const receiver = await startOtlpReceiver({ keepSpans: false });
  const stack = await startBenchStack('tracing', ctx.brokers);
  const unregister = ctx.onCleanup(async () => {
    await stack.stop();
    await receiver.close();
  });
  const runs: { label: string; run: Result; exports: number }[] = [];
  try {
    const ids = await seedTenants(stack, tenants);
    const headers = { authorization: `Bearer ${await stack.token()}` };
    const pick = () => ids[Math.floor(Math.random() * ids.length)];
    const load = (seconds: number) =>
      autocannon({ url: stack.baseUrl, connections, duration: seconds, headers, requests: [{ method: 'GET', setupRequest: (r: { path?: string }) => ({ ...r, path: `/v1/tenants/${pick()}` }) }] });
    for (const setting of SETTINGS) {
      const env = Object.keys(setting.env).length ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...setting.env } : {};
      await stack.restart('tenant-api', env);
      await load(warmup);
      const before = receiver.exports();
      const run = await load(duration);
      runs.push({ label: setting.label, run, exports: receiver.exports() - before });
      ctx.log(`tracing-overhead: ${setting.label}: ${Math.round(run.requests.average)} req/s, p99 ${run.latency.p99} ms`);
      if (run.non2xx > 0 || run.errors > 0) throw new Error(`${setting.label}: ${run.non2xx} non-2xx answers and ${run.errors} errors; the figures would be meaningless.`);
    }
  } finally {
    unregister();
    await stack.stop();
    await receiver.close();
  }
  const off = runs[0].run.requests.average;
  result.tables.push({
    title: 'GET /v1/tenants/{id} by tracing setting',
    columns: ['setting', 'req/s (mean)', 'ratio to off', 'p50 ms', 'p99 ms', 'requests', 'OTLP exports received'],
    rows: runs.map(({ label, run, exports }) => [label, Math.round(run.requests.average), ratio(run.requests.average, off), run.latency.p50, run.latency.p99, run.requests.total, exports]),
  });
  result.data = { runs: runs.map(({ label, run, exports }) => ({ label, requests: run.requests, latency: run.latency, exports })) };
  return result;
}
