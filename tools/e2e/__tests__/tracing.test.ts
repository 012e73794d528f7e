import { freePort, waitFor } from '@tenantry/testing';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../otlp-receiver.ts';
import { startStack, type Stack } from '../stack.ts';

// One POST /v1/tenants, three services as processes, an OTLP/HTTP (JSON) receiver in this test:
// the request, its outbox row, the relay's publish and every consumer's handling form one trace.
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

let receiver: OtlpReceiver;
let stack: Stack;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  stack = await startStack(undefined, {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    },
  });
}, 120_000);

type LogLine = { service: string; msg: string; trace_id?: string; tenant_id?: string; event_id?: string; event_type?: string; req?: { method: string; url: string } };

/** The services' JSON log lines so far. */
function logLines(): LogLine[] {
  return stack.logs.flatMap((line) => {
    const match = /^\[([\w-]+)\] (\{.*\})$/.exec(line);
    return match ? [{ service: match[1], ...JSON.parse(match[2]) }] : [];
  });
}

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
}, 60_000);

async function createTenant(name: string, headers: Record<string, string> = {}): Promise<{ id: string; status: number }> {
  const response = await fetch(`${stack.baseUrl}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token()}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { id: string };
  return { id: body.id, status: response.status };
}

/** The server span of the POST that created the tenant (its route and response carry no id: found by its trace's outbox span). */
function traceOfTenant(tenantId: string): ReceivedSpan[] {
  const outbox = receiver.spans.find((span) => span.name === 'outbox append TenantCreated' && span.attributes['tenantry.tenant.id'] === tenantId);
  return outbox ? receiver.spans.filter((span) => span.traceId === outbox.traceId) : [];
}

/** Spans whose parent is not among `spans` (the root has none and is not one). */
function orphansOf(spans: ReceivedSpan[]): ReceivedSpan[] {
  const ids = new Set(spans.map((span) => span.spanId));
  return spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId));
}

const servicesOf = (spans: ReceivedSpan[]) => new Set(spans.map((span) => span.service));

it('one POST /v1/tenants is one trace across tenant-api, the relay, the provisioner and dte-sync, parent links intact', async () => {
  const created = await createTenant('Traza Uno SpA');
  expect(created.status).toBe(201);

  // TenantCreated → provisioner → report → tenant-api → TenantProvisioned → dte-sync: all in the trace.
  const spans = await waitFor('the whole trace', () => {
    const trace = traceOfTenant(created.id);
    const dteSync = trace.some((span) => span.service === 'dte-sync' && span.kind === CONSUMER);
    const provisioned = trace.some((span) => span.kind === PRODUCER && span.attributes['tenantry.event.type'] === 'TenantProvisioned');
    const request = trace.some((span) => span.kind === SERVER);
    // A parent ends (and is exported) after its children: wait until no received span lacks its parent.
    const complete = orphansOf(trace).length === 0;
    // Spans and log lines reach this process on different channels: wait for both.
    const logged = ['provisioner', 'dte-sync'].every((service) => logLines().some((line) => line.service === service && line.tenant_id === created.id && line.event_id));
    return dteSync && provisioned && request && complete && logged ? trace : undefined;
  }, { timeoutMs: 30_000, intervalMs: 100 }).catch((error: Error) => {
    const orphans = orphansOf(traceOfTenant(created.id)).map((span) => `${span.service}: ${span.name}`);
    throw new Error(`${error.message}; spans whose parent never arrived: ${orphans.join(', ') || 'none'}`);
  });

  expect(servicesOf(spans)).toEqual(new Set(['tenant-api', 'provisioner', 'dte-sync']));
  // A trace the caller did not start has exactly one root: tenant-api's server span for the POST.
  const roots = spans.filter((span) => !span.parentSpanId);
  expect(roots.map((span) => [span.service, span.kind])).toEqual([['tenant-api', SERVER]]);
  // Every other span's parent is in the trace, so the tree is connected.
  expect(orphansOf(spans)).toEqual([]);

  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId!)!;
  // The relay's producer span is the child of the outbox row's span; each consumer's span the child of a producer span.
  const publishes = spans.filter((span) => span.kind === PRODUCER && span.service === 'tenant-api');
  expect(publishes.map((span) => [span.attributes['tenantry.event.type'], parentOf(span).name]).sort()).toEqual([
    ['TenantCreated', 'outbox append TenantCreated'],
    ['TenantProvisioned', 'control-db transaction record-provisioning-outcome'],
  ]);
  const consumers = spans.filter((span) => span.kind === CONSUMER);
  expect(consumers.every((span) => parentOf(span).kind === PRODUCER)).toBe(true);
  expect(new Set(consumers.map((span) => span.service))).toEqual(new Set(['tenant-api', 'provisioner', 'dte-sync']));
  // The provisioner's database work is inside its consumer span's subtree.
  expect(spans.some((span) => span.service === 'provisioner' && span.name.startsWith('pg.query'))).toBe(true);

  // Log lines: the request's carry its trace id; each worker line about the tenant's events carries
  // the same trace id with the event's id and type.
  const traceId = roots[0].traceId;
  const lines = logLines();
  const request = lines.find((line) => line.msg === 'incoming request' && line.req?.method === 'POST' && line.req.url === '/v1/tenants');
  expect(request?.trace_id).toBe(traceId);
  for (const service of ['provisioner', 'dte-sync']) {
    const handling = lines.filter((line) => line.service === service && line.tenant_id === created.id && line.event_id);
    expect(handling.length).toBeGreaterThan(0);
    expect(handling.every((line) => line.trace_id === traceId && typeof line.event_type === 'string')).toBe(true);
  }

  // The stored event carries the outbox span's context (CloudEvents distributed tracing).
  const [row] = await stack.query<{ event: { traceparent: string } }>(`select event from control.tenant_events where tenant_id = $1 and type = 'TenantCreated'`, [created.id]);
  const outbox = spans.find((span) => span.name === 'outbox append TenantCreated')!;
  expect(row.event.traceparent).toBe(`00-${outbox.traceId}-${outbox.spanId}-01`);
}, 60_000);

it('a request without traceparent starts a new trace; one with a traceparent continues the caller\'s', async () => {
  const first = await createTenant('Traza Dos SpA');
  const second = await createTenant('Traza Tres SpA');
  const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const third = await createTenant('Traza Cuatro SpA', { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`, tracestate: 'tenantry=e2e' });
  const traces = await waitFor('three traces', () => {
    const found = [first, second, third].map((tenant) => traceOfTenant(tenant.id));
    // The server span ends after the outbox span and may come in a later export.
    return found.every((trace) => trace.some((span) => span.kind === SERVER)) ? found : undefined;
  }, { timeoutMs: 30_000, intervalMs: 100 });
  const [a, b, c] = traces.map((trace) => trace[0].traceId);
  expect(a).not.toBe(b);
  expect(c).toBe(callerTrace);
  // The caller's span is the parent of tenant-api's server span; its tracestate reaches the event.
  expect(traces[2].find((span) => span.kind === SERVER)?.parentSpanId).toBe('00f067aa0ba902b7');
  const [row] = await stack.query<{ event: { tracestate?: string } }>(`select event from control.tenant_events where tenant_id = $1 and type = 'TenantCreated'`, [third.id]);
  expect(row.event.tracestate).toBe('tenantry=e2e');
}, 60_000);

it('with the collector down, requests still succeed and tenants still get provisioned', async () => {
  // A stack whose endpoint is a port nobody listens on.
  const down = await startStack(undefined, {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  try {
    const token = await down.token();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${down.baseUrl}/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Sin Colector ${i} SpA` }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    await waitFor('tenants active', async () => {
      const rows = await down.query<{ n: string }>(`select count(*)::text as n from control.tenants where status = 'active'`);
      return Number(rows[0].n) === 5;
    }, { timeoutMs: 30_000, intervalMs: 100 });
  } finally {
    await down.stop();
  }
}, 120_000);
