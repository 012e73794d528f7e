import { loadConfig } from '@tenantry/config';
import { createKafkaClient } from '@tenantry/kafka';
import { createLogger } from '@tenantry/logger';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import type { Kafka as KafkaClient } from 'kafkajs';
import { canLoginAs, startStack, type Stack } from '@tenantry/e2e/stack';
import { runCli } from '@tenantry/e2e/run-cli';

// The operator's replay tools against the whole stack (tenant-api, provisioner, dte-sync as
// processes): reset dte-sync to earliest and restart it without applying anything twice; republish
// the history of a tenant whose schema was dropped by hand and get it back; outbox and reprovision.
let stack: Stack;
let kafka: KafkaClient;
let cliEnv: NodeJS.ProcessEnv;
/** dte-sync's consumer group: prefixed like the topics when the config names groups, else SPEC §1's `dte-sync`. */
let dteSyncGroup: string;
const tenants: string[] = [];

const ISSUER_FIELDS = ['rut', 'giro', 'address', 'commune', 'city'] as const;

async function issuerOf(tenantId: string) {
  const rows = await stack.query<Record<string, unknown>>(`select *, xmin::text as xmin from "${schemaNameFor(tenantId)}".issuer`);
  return rows[0];
}

async function tenantOf(tenantId: string) {
  return (await stack.request('GET', `/v1/tenants/${tenantId}`, undefined, await stack.token())).body;
}

/** The issuer holds the tenant's DTE fields, copied from its latest version. */
async function issuerMatchesTenant(tenantId: string): Promise<boolean> {
  const [issuer, tenant] = await Promise.all([issuerOf(tenantId).catch(() => undefined), tenantOf(tenantId)]);
  if (!issuer) return false;
  return (
    issuer.razon_social === tenant.name &&
    ISSUER_FIELDS.every((field) => issuer[field] === tenant[field]) &&
    Number(issuer.source_version) === tenant.version
  );
}

async function consumedEverything(groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
    return ends.every((end) => end.high === '0' || done.get(end.partition) === end.high);
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  stack = await startStack();
  cliEnv = { DATABASE_URL: stack.db.url, KAFKA_TOPIC_PREFIX: stack.topicPrefix, KAFKA_BROKERS: stack.env.KAFKA_BROKERS };
  dteSyncGroup = (loadConfig(stack.env) as { groups?: { dteSync: string } }).groups?.dteSync ?? 'dte-sync';
  kafka = createKafkaClient({ brokers: stack.env.KAFKA_BROKERS!.split(','), clientId: 'replay-test', logger: createLogger({ name: 'test', level: 'silent' }) });
  const token = await stack.token();
  const ruts = ['76086428-5', '96790240-3', '77261280-K'];
  for (const [i, rut] of ruts.entries()) {
    const created = await stack.request(
      'POST',
      '/v1/tenants',
      { name: `Comercial Replay ${i} SpA`, rut, address: `Calle ${i} 100`, commune: 'Providencia', city: 'Santiago', giro: 'Comercio' },
      token,
    );
    expect(created.status).toBe(201);
    tenants.push(created.body.id);
  }
  for (const id of tenants) {
    await waitFor(`tenant ${id} active`, async () => (await tenantOf(id)).status === 'active', { timeoutMs: 30_000 });
    // Two updates each, so the history is more than create + provisioned.
    expect((await stack.request('PATCH', `/v1/tenants/${id}`, { address: 'Av. Apoquindo 5000' }, token)).status).toBe(200);
    expect((await stack.request('PATCH', `/v1/tenants/${id}`, { giro: 'Servicios financieros', commune: 'Las Condes' }, token)).status).toBe(200);
  }
  for (const id of tenants) await waitFor(`issuer of ${id} in sync`, () => issuerMatchesTenant(id), { timeoutMs: 30_000 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

it('resets dte-sync to earliest while stopped: after the restart every issuer still equals its tenant, nothing applied twice', async () => {
  const topic = `${stack.topicPrefix}tenant.events`;
  await waitFor('dte-sync caught up', () => consumedEverything(dteSyncGroup, topic), { timeoutMs: 30_000 });
  const before = new Map(await Promise.all(tenants.map(async (id) => [id, (await issuerOf(id)).xmin] as const)));

  const refused = await runCli(['replay', 'offsets', '--group', dteSyncGroup, '--to', 'earliest'], cliEnv);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/active member/);

  await stack.services.get('dte-sync')!.stop();
  const dry = await runCli(['replay', 'offsets', '--group', dteSyncGroup, '--to', 'earliest', '--dry-run', '--json'], cliEnv);
  expect(dry.code).toBe(0);
  const total = dry.json.partitions.reduce((sum: number, p: { high: string }) => sum + Number(p.high), 0);
  expect(total).toBeGreaterThanOrEqual(tenants.length * 4); // created, provisioned, two updates each
  expect(dry.json).toMatchObject({ active_members: 0, total_reread: total, applied: false });

  const reset = await runCli(['replay', 'offsets', '--group', dteSyncGroup, '--to', 'earliest', '--json'], cliEnv);
  expect(reset.code).toBe(0);
  expect(reset.json.applied).toBe(true);

  stack.start('dte-sync');
  await waitFor('dte-sync re-read the whole topic', () => consumedEverything(dteSyncGroup, topic), { timeoutMs: 45_000, intervalMs: 250 });
  for (const id of tenants) {
    expect(await issuerMatchesTenant(id)).toBe(true);
    // Same row version: every replayed event was recognised as stale by source_version, none was written.
    expect((await issuerOf(id)).xmin).toBe(before.get(id));
  }
});

it('replay tenant rebuilds a tenant whose schema and role were dropped by hand, issuer included', async () => {
  const id = tenants[1];
  const schema = schemaNameFor(id);
  const role = roleNameFor(id);
  await stack.query(`drop schema "${schema}" cascade`);
  await stack.query(`drop role "${role}"`);
  expect(await canLoginAs(stack.db, role)).toBe(false);

  const replay = await runCli(['replay', 'tenant', id, '--json'], cliEnv);
  expect(replay.stderr).toBe('');
  expect(replay.code).toBe(0);
  const history = await stack.query<{ id: string }>(`select id::text as id from control.tenant_events where tenant_id = $1 order by tenant_version`, [id]);
  expect(replay.json).toMatchObject({
    tenant_id: id,
    republished: history.length,
    first_version: 1,
    event_ids: history.map((row) => row.id),
    schema: { name: schema, missing_before: true, rebuilt: true },
  });

  await waitFor('issuer restored', () => issuerMatchesTenant(id), { timeoutMs: 30_000 });
  expect(await canLoginAs(stack.db, role)).toBe(true);
  const tenant = await tenantOf(id);
  expect(tenant).toMatchObject({ status: 'active', version: history.length });
});

it('outbox status reports an empty outbox and the relay holder; tenants reprovision emits TenantProvisionRequested', async () => {
  const status = await runCli(['outbox', 'status', '--json'], cliEnv);
  expect(status.code).toBe(0);
  expect(status.json).toMatchObject({ control_schema: 'control', pending: 0, oldest_pending_age_seconds: null });
  expect(status.json.relay_holder.pid).toEqual(expect.any(Number));
  const human = await runCli(['outbox', 'status'], cliEnv);
  expect(human.stdout).toMatch(/pending events: +0\n/);

  const id = tenants[0];
  const versionBefore = (await tenantOf(id)).version;
  const reprovision = await runCli(['tenants', 'reprovision', id, '--json'], cliEnv);
  expect(reprovision.code).toBe(0);
  expect(reprovision.json).toMatchObject({ tenant_id: id, version: versionBefore + 1, event: 'TenantProvisionRequested' });
  await waitFor('TenantProvisionRequested published', async () => {
    const rows = await stack.query<{ type: string; published: boolean }>(
      `select type, published_at is not null as published from control.tenant_events where tenant_id = $1 and tenant_version = $2`,
      [id, versionBefore + 1],
    );
    return rows[0]?.type === 'TenantProvisionRequested' && rows[0].published;
  });
  // The provisioner finds the schema complete and the tenant stays active.
  expect((await tenantOf(id)).status).toBe('active');

  const unknown = await runCli(['tenants', 'reprovision', '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee'], cliEnv);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/does not exist/);
  const wrongDb = await runCli(['outbox', 'status'], { ...cliEnv, CONTROL_SCHEMA: 'nope' });
  expect(wrongDb.code).toBe(2);
  expect(wrongDb.stderr).toMatch(/Schema nope \(CONTROL_SCHEMA\) does not exist/);
});

it('outbox status flags an old pending event and a missing relay (exit 1 with --max-age)', async () => {
  // No tenant-api, no relay: an event left unpublished for an hour is what an operator must notice.
  await stack.services.get('tenant-api')!.stop();
  await stack.query(
    `update control.tenant_events set published_at = null, created_at = now() - interval '1 hour'
      where seq = (select max(seq) from control.tenant_events)`,
  );
  const fresh = await runCli(['outbox', 'status', '--max-age', '7200', '--json'], cliEnv);
  expect(fresh.code).toBe(0);
  expect(fresh.json).toMatchObject({ pending: 1, relay_holder: null });
  expect(fresh.json.oldest_pending_age_seconds).toBeGreaterThanOrEqual(3600);

  const late = await runCli(['outbox', 'status', '--max-age', '60'], cliEnv);
  expect(late.code).toBe(1);
  expect(late.stdout).toMatch(/pending events: +1\n/);
  expect(late.stdout).toMatch(/relay lock holder: none/);
  expect(late.stderr).toMatch(/oldest pending event is 60\.\d min old \(limit 60 s\)/);
});
