import { createKafkaClient } from '@tenantry/kafka';
import { readTopic } from '@tenantry/kafka/testing';
import { createLogger } from '@tenantry/logger';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import { canLoginAs, startStack, type Stack } from '../stack.ts';

// One tenant all the way: HTTP → control schema + outbox → Kafka → provisioner → tenant-api → dte-sync,
// with the three services running as separate processes.
const SECTION_5_TABLES = [
  'customers', 'dte_config', 'economic_activities', 'invoice_lines', 'invoices', 'issuer', 'locations',
  'mikro_orm_migrations', 'products', 'users',
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

async function readTenant(id: string) {
  const { data, error } = await stack.api.GET('/v1/tenants/{id}', { params: { path: { id } } });
  if (!data) throw new Error(`GET /v1/tenants/${id}: ${JSON.stringify(error)}`);
  return data;
}

it('creates, provisions, syncs, deactivates and reactivates a tenant, with an ordered CloudEvents history', async () => {
  const startedAt = Date.now();
  const created = await stack.api.POST('/v1/tenants', {
    body: {
      name: 'Comercial Andes SpA',
      rut: '76.086.428-5',
      address: 'Av. Providencia 1234',
      commune: 'Providencia',
      city: 'Santiago',
      giro: 'Venta al por menor por internet',
      economic_activities: [{ code: '479100', name: 'Venta al por menor por internet', category: '1ra', taxable: true }],
    },
  });
  expect(created.response.status).toBe(201);
  const id = created.data!.id;
  const schema = schemaNameFor(id);
  const role = roleNameFor(id);

  const active = await waitFor('tenant active', async () => {
    const tenant = await readTenant(id);
    return tenant.status === 'active' ? tenant : undefined;
  }, { timeoutMs: 30_000, intervalMs: 50 });
  console.log(`POST → active observed after ${Date.now() - startedAt} ms`);
  expect(active.schema_version).toBe('Migration20261122000000_initial');
  expect(active.version).toBe(2);

  const tables = await stack.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 order by table_name`,
    [schema],
  );
  expect(tables.map((t) => t.table_name)).toEqual(SECTION_5_TABLES);
  const foreignOut = await stack.query(
    `select 1 from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      join pg_class ref on ref.oid = c.confrelid join pg_namespace rn on rn.oid = ref.relnamespace
      where c.contype = 'f' and n.nspname = $1 and rn.nspname <> $1`,
    [schema],
  );
  expect(foreignOut).toHaveLength(0);

  const issuerOf = async () =>
    (await stack.query<Record<string, unknown>>(`select * from "${schema}".issuer`))[0];
  await waitFor('issuer seeded', async () => (await issuerOf())?.razon_social === 'Comercial Andes SpA');
  expect(await issuerOf()).toMatchObject({
    rut: '76086428-5',
    razon_social: 'Comercial Andes SpA',
    giro: 'Venta al por menor por internet',
    address: 'Av. Providencia 1234',
    commune: 'Providencia',
    city: 'Santiago',
  });
  const mainLocation = await stack.query(`select name, address from "${schema}".locations where is_main`);
  expect(mainLocation).toEqual([{ name: 'Casa Matriz', address: 'Av. Providencia 1234' }]);

  const patched = await stack.api.PATCH('/v1/tenants/{id}', {
    params: { path: { id } },
    body: { address: 'Av. Apoquindo 5000', commune: 'Las Condes' },
  });
  expect(patched.response.status).toBe(200);
  await waitFor('issuer follows the address', async () => {
    const issuer = await issuerOf();
    return issuer.address === 'Av. Apoquindo 5000' && issuer.commune === 'Las Condes';
  });
  expect(Number((await issuerOf()).source_version)).toBe(3);

  const deleted = await stack.api.DELETE('/v1/tenants/{id}', { params: { path: { id } } });
  expect(deleted.response.status).toBe(204);
  expect(await readTenant(id)).toMatchObject({ status: 'deactivated', is_active: false });
  await waitFor('tenant role loses LOGIN', async () => !(await canLoginAs(stack.db, role)));
  expect((await stack.query(`select 1 from "${schema}".issuer`)).length).toBe(1);

  const activated = await stack.api.POST('/v1/tenants/{id}/activate', { params: { path: { id } } });
  expect(activated.response.status).toBe(200);
  expect(activated.data?.status).toBe('active');
  await waitFor('tenant role can log in again', () => canLoginAs(stack.db, role));

  const kafka = createKafkaClient({
    brokers: stack.env.KAFKA_BROKERS!.split(','),
    clientId: 'e2e-reader',
    logger: createLogger({ name: 'e2e', level: 'silent' }),
  });
  const messages = await waitFor('five events of the tenant', async () => {
    const all = await readTopic(kafka, `${stack.topicPrefix}tenant.events`, 5, 10_000);
    const own = all.filter((m) => m.key === id);
    return own.length >= 5 ? own : undefined;
  });
  const events = messages.sort((a, b) => Number(a.offset) - Number(b.offset)).map((m) => ({ ...JSON.parse(m.value!), headers: m.headers }));
  expect(events.map((e) => e.type)).toEqual([
    'TenantCreated',
    'TenantProvisioned',
    'TenantUpdated',
    'TenantDeactivated',
    'TenantActivated',
  ]);
  expect(events.map((e) => e.tenantversion)).toEqual([1, 2, 3, 4, 5]);
  for (const event of events) {
    expect(event).toMatchObject({ specversion: '1.0', source: 'tenant-api', subject: id, datacontenttype: 'application/json' });
    expect(event.headers['content-type']).toBe('application/cloudevents+json');
    expect(event.data.tenant.id).toBe(id);
    expect(event.data.tenant.version).toBe(event.tenantversion);
  }
  expect(events[2].data.changed_fields).toEqual(['address', 'commune']);
}, 120_000);
