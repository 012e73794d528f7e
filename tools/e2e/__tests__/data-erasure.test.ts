import { subjectKeyReader } from '@tenantry/control-db';
import { createKafkaClient } from '@tenantry/kafka';
import { readTopic, recordCount } from '@tenantry/kafka/testing';
import { createLogger } from '@tenantry/logger';
import { openEvent, parseEvent, type TenantEvent } from '@tenantry/tenant-events';
import { schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import pg from 'pg';
import { startStack, type Stack } from '../stack.ts';

// Issue 15: after a tenant's purge and a user's erasure, none of their personal data is left in
// readable form anywhere the stack keeps data: the control schema, the tenant database (every
// schema in it), and every message of every topic of the stack, read back from the broker.
const TENANT = { name: 'Frutícola Borrable SpA', rut: '77.459.120-6', address: 'Camino Olvidado 4321', giro: 'Venta de frutas secas' };
const NEW_ADDRESS = 'Pasaje Secreto 99';
const USER = { email: 'ines.quirogana@example.com', first_name: 'Inesilda', last_name: 'Quirogana' };
const NEEDLES = [TENANT.name, TENANT.rut, '77459120-6', TENANT.address, NEW_ADDRESS, USER.email, USER.first_name, USER.last_name];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

const found = (text: string) => NEEDLES.filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));

/** Every row of every table in the database (all schemas but the catalogs), as text: what a person with the backup could read. */
async function databaseText(): Promise<Map<string, string>> {
  const tables = await stack.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const text = new Map<string, string>();
  for (const { schema, name } of tables) {
    const rows = await stack.query<{ row: string }>(`select t::text as row from "${schema}"."${name}" t`);
    text.set(`${schema}.${name}`, rows.map((r) => r.row).join('\n'));
  }
  return text;
}

it('a purge and an erasure leave no readable trace in the control schema, the tenant database or on any topic', async () => {
  const user = await stack.request('POST', '/v1/users', { ...USER, password: 'inesilda-password' }, await stack.token());
  expect(user.status).toBe(201);
  const created = await stack.request('POST', '/v1/tenants', { ...TENANT, city: 'Talca' }, await stack.token());
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const member = await stack.request('POST', `/v1/tenants/${id}/members`, { email: USER.email, role: 'developer' }, await stack.token());
  expect(member.status).toBe(201);
  // A second tenant stays: the positive control that the scan really reads what it scans.
  const kept = await stack.request('POST', '/v1/tenants', { name: 'Control Visible SpA', giro: TENANT.giro }, await stack.token());
  expect(kept.status).toBe(201);

  const issuer = async () => (await stack.query<{ razon_social: string; address: string }>(`select razon_social, address from "${schemaNameFor(id)}".issuer`).catch(() => []))[0];
  await waitFor('tenant active, its issuer seeded', async () => (await issuer())?.razon_social === TENANT.name, { timeoutMs: 60_000 });
  expect((await stack.request('PATCH', `/v1/tenants/${id}`, { address: NEW_ADDRESS }, await stack.token())).status).toBe(200);
  await waitFor('dte-sync carries the new address', async () => (await issuer())?.address === NEW_ADDRESS, { timeoutMs: 60_000 });
  // The readable data is there before: the needles are found (the scan works).
  expect(found([...(await databaseText()).values()].join('\n'))).toEqual(expect.arrayContaining([TENANT.name, USER.email]));

  expect((await stack.request('POST', `/v1/tenants/${id}/deactivate`, {}, await stack.token())).status).toBe(200);
  const purge = await stack.request('POST', `/v1/tenants/${id}/purge`, { force: true }, await stack.token());
  expect(purge.status).toBe(202);
  await waitFor('tenant purged', async () => (await stack.request('GET', `/v1/tenants/${id}`, undefined, await stack.token())).body.status === 'purged', { timeoutMs: 60_000 });
  expect((await stack.request('DELETE', `/v1/users/${user.body.id}?erase=true`, undefined, await stack.token())).status).toBe(204);
  await waitFor('outbox drained', async () => (await stack.query<{ n: number }>(`select count(*)::int as n from control.tenant_events where published_at is null`))[0].n === 0, { timeoutMs: 60_000 });

  // The control schema and the tenant database (here the same database, `main`): every table.
  const tables = await databaseText();
  const leaks = [...tables].map(([table, text]) => [table, found(text)] as const).filter(([, needles]) => needles.length > 0);
  expect(leaks).toEqual([]);
  expect(tables.get('control.tenants')).toContain('Control Visible SpA');
  expect([...tables.keys()].some((table) => table.startsWith(`${schemaNameFor(id)}.`))).toBe(false);

  // Every topic of the stack, every message, read back from the broker.
  const kafka = createKafkaClient({ brokers: stack.env.KAFKA_BROKERS!.split(','), clientId: 'e2e-scan', logger: createLogger({ name: 'e2e', level: 'silent' }) });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(stack.topicPrefix));
  await admin.disconnect();
  expect(topics).toEqual(expect.arrayContaining([`${stack.topicPrefix}tenant.events`, `${stack.topicPrefix}tenant.provisioning`]));
  const ownEvents: TenantEvent[] = [];
  for (const topic of topics) {
    const count = await recordCount(kafka, topic);
    const messages = count === 0 ? [] : await readTopic(kafka, topic, count, 30_000);
    for (const message of messages) {
      const text = `${message.key ?? ''} ${message.value ?? ''} ${JSON.stringify(message.headers ?? {})}`;
      expect({ topic, offset: message.offset, leaked: found(text) }).toEqual({ topic, offset: message.offset, leaked: [] });
      if (topic === `${stack.topicPrefix}tenant.events` && message.key === id) {
        const parsed = parseEvent(message.value);
        if (parsed.known) ownEvents.push(parsed.event);
      }
    }
  }
  // The positive control on the wire: non-personal data travels readable, so the scan reads payloads.
  expect(ownEvents.map((event) => event.type)).toEqual(expect.arrayContaining(['TenantCreated', 'TenantMemberAdded', 'TenantUpdated', 'TenantPurged']));
  expect(JSON.stringify(ownEvents)).toContain(TENANT.giro);

  // A replay after the erasure, opened the way every subscriber in this repo opens events: the
  // destroyed keys bring nothing back.
  const pool = new pg.Pool({ connectionString: stack.db.url, max: 1 });
  try {
    const keys = subjectKeyReader(pool, 'control');
    for (const event of ownEvents) {
      const opened = await openEvent(event, keys);
      const data = opened.data as unknown as { tenant: Record<string, unknown>; member?: Record<string, unknown> };
      expect({ type: event.type, name: data.tenant.name, rut: data.tenant.rut, address: data.tenant.address }).toEqual({ type: event.type, name: null, rut: null, address: null });
      if (data.member) expect([data.member.email, data.member.first_name, data.member.last_name]).toEqual([null, null, null]);
    }
  } finally {
    await pool.end();
  }
}, 240_000);
