import { promtoolCheckMetrics as promtoolCheck, waitFor } from '@tenantry/testing';
import { startStack, type Stack } from '../stack.ts';

// The three services as processes: each worker's own /metrics, /healthz and /readyz (ports chosen by
// the OS: PROVISIONER_METRICS_PORT=0, DTE_SYNC_METRICS_PORT=0), what promtool says of every
// /metrics, consumer lag while a consumer is down, and every line of output being JSON.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(undefined, { env: { LOG_LEVEL: 'info' } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

type LogLine = Record<string, unknown>;

/** The JSON lines a service wrote so far (the stack keeps `[name] <line>`). */
function linesOf(name: string): LogLine[] {
  return stack.logs.filter((line) => line.startsWith(`[${name}] `)).map((line) => JSON.parse(line.slice(name.length + 3)) as LogLine);
}

/** The metrics address in the worker's latest `<name> ready` line (a restart picks a new port). */
async function metricsOf(name: 'provisioner' | 'dte-sync', after = 0): Promise<string> {
  return waitFor(`${name} ready`, () => {
    const ready = linesOf(name).slice(after).filter((line) => line.msg === `${name} ready`);
    return ready.length > 0 ? (ready[ready.length - 1].metrics as string) : undefined;
  }, { timeoutMs: 60_000, intervalMs: 100 });
}

async function scrape(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Sum of the lag samples of `group`, or undefined when the scrape had none (broker not read yet). */
function lagOf(text: string, group: string): number | undefined {
  const samples = [...text.matchAll(/^tenantry_kafka_consumer_lag_messages\{([^}]*)\} (\S+)$/gm)].filter(([, labels]) => labels.includes(`group="${group}"`));
  return samples.length === 0 ? undefined : samples.reduce((sum, [, , value]) => sum + Number(value), 0);
}

async function createTenant(name: string): Promise<string> {
  const created = await stack.api.POST('/v1/tenants', { body: { name } });
  expect(created.response.status).toBe(201);
  return created.data!.id;
}

async function waitActive(ids: string[]): Promise<void> {
  await waitFor('tenants active', async () => {
    for (const id of ids) {
      const { data } = await stack.api.GET('/v1/tenants/{id}', { params: { path: { id } } });
      if (data?.status !== 'active') return false;
    }
    return true;
  }, { timeoutMs: 60_000, intervalMs: 100 });
}

it('each service serves /metrics that promtool accepts, with the metrics of its work, and answers /healthz and /readyz', async () => {
  const id = await createTenant('Observada SpA');
  await waitActive([id]);

  const provisioner = await metricsOf('provisioner');
  const dteSync = await metricsOf('dte-sync');
  for (const base of [provisioner, dteSync]) {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready', checks: { consumer: 'ok', database: 'ok', kafka: 'ok' } },
    });
  }

  const group = (name: string) => `${stack.topicPrefix}${name}`;
  // The spare pool starts once the provisioner reads the tenant databases (tenant-api may still be migrating them).
  const fromProvisioner = await waitFor('the provisioner observed its provisioning and keeps spares', async () => {
    const text = await scrape(provisioner);
    const observed = /^tenantry_provisioning_duration_seconds_count\{path="(claim|build)"\} [1-9]/m.test(text);
    return observed && /^tenantry_spare_schemas\{database="main"\} \d+$/m.test(text) ? text : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250 });
  expect(await promtoolCheck(fromProvisioner)).toBe('');
  expect(fromProvisioner).toMatch(/^tenantry_event_handling_duration_seconds_count\{event_type="TenantCreated",outcome="ok"\} [1-9]/m);
  expect(fromProvisioner).toMatch(/^tenantry_database_pool_connections\{database="main",state="idle"\} \d+$/m);
  expect(fromProvisioner).toMatch(/^tenantry_kafka_dead_letters_pending_messages\{group="[^"]+",topic="[^"]+\.dlq"\} 0$/m);
  expect(lagOf(fromProvisioner, group('provisioner'))).toBeDefined();

  const fromDteSync = await scrape(dteSync);
  expect(await promtoolCheck(fromDteSync)).toBe('');
  expect(fromDteSync).toMatch(/^tenantry_event_handling_duration_seconds_count\{event_type="TenantProvisioned",outcome="ok"\} [1-9]/m);
  expect(lagOf(fromDteSync, group('dte-sync'))).toBeDefined();

  const fromApi = await scrape(stack.baseUrl);
  expect(await promtoolCheck(fromApi)).toBe('');
  expect(fromApi).toMatch(/^tenantry_outbox_published_events_total [1-9]/m);
  expect(fromApi).toMatch(/^tenantry_outbox_publish_batch_size_events_count [1-9]/m);
  expect(fromApi).toMatch(/^tenantry_http_request_duration_seconds_count\{method="GET",route="\/v1\/tenants\/:id",status="200"\} [1-9]/m);
  expect(fromApi.split('\n').filter((line) => line.startsWith('tenantry_http_') && line.includes(id))).toEqual([]); // route patterns, never ids
  expect(lagOf(fromApi, group('tenant-api'))).toBeDefined();
}, 120_000);

it('consumer lag rises while the provisioner is stopped and falls back to 0 once it runs again', async () => {
  const provisionerGroup = `${stack.topicPrefix}provisioner`;
  const dteSync = await metricsOf('dte-sync');
  await stack.services.get('provisioner')!.stop();

  const ids = [await createTenant('Rezagada Uno SpA'), await createTenant('Rezagada Dos SpA'), await createTenant('Rezagada Tres SpA')];
  // Every process reports every group: dte-sync shows the stopped group's lag.
  const behind = await waitFor('lag of the stopped group', async () => {
    const lag = lagOf(await scrape(dteSync), provisionerGroup);
    return lag !== undefined && lag >= 3 ? lag : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  expect(behind).toBeGreaterThanOrEqual(3);

  const seen = linesOf('provisioner').length;
  stack.start('provisioner');
  const provisioner = await metricsOf('provisioner', seen);
  await waitActive(ids);
  await waitFor('lag back to 0', async () => lagOf(await scrape(provisioner), provisionerGroup) === 0, { timeoutMs: 30_000, intervalMs: 200 });
}, 180_000);

it('every line the three services wrote is JSON (kafkajs included), and worker lines about an event carry its tenant, id and type', async () => {
  const notJson = stack.logs.filter((line) => {
    try {
      JSON.parse(line.slice(line.indexOf('] ') + 2));
      return false;
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
  for (const name of ['tenant-api', 'provisioner', 'dte-sync']) {
    expect(linesOf(name).some((line) => line.component === 'kafkajs')).toBe(true); // kafkajs' own lines, through pino
  }
  const provisioned = linesOf('provisioner').find((line) => line.msg === 'tenant schema provisioned');
  expect(provisioned).toMatchObject({ tenant_id: expect.any(String), event_id: expect.any(String), event_type: 'TenantCreated' });
});
