import { createKafkaClient } from '@tenantry/kafka';
import { readTopic } from '@tenantry/kafka/testing';
import { createLogger } from '@tenantry/logger';
import { randomBytes } from 'node:crypto';
import { ensureKafka, stopKafka } from '@tenantry/kafka-launcher/kafka';
import { waitFor } from '@tenantry/testing';
import { freePort, startStack, type Stack } from '../stack.ts';

// The transactional outbox with the real broker stopped: the API keeps answering 201, the events
// wait in PostgreSQL, and once the broker is back every one of them arrives, in order per tenant.
// The broker stopped here is this suite's OWN instance (.data/kafka-outage-<random>/ on a free
// port), never the shared one other suites use.
const TENANTS = 20;
const instance = `outage-${randomBytes(4).toString('hex')}`;
const quiet = { log: () => undefined };
let port: number;
let stack: Stack;
beforeAll(async () => {
  port = await freePort();
  const broker = await ensureKafka({ instance, port, controllerPort: await freePort(), heapOpts: '-Xms128m -Xmx384m', ...quiet });
  stack = await startStack(['tenant-api'], { kafkaBrokers: broker.brokers.join(',') });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await stopKafka({ instance, purge: true, ...quiet });
}, 120_000);

it('accepts writes while Kafka is down and publishes all of them, in order, when it returns', async () => {
  const stopped = await stopKafka({ instance, ...quiet });
  expect(stopped).toBe(true);

  const ids: string[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const created = await stack.api.POST('/v1/tenants', { body: { name: `Outage Tenant ${i}`, city: 'Arica' } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    ids.push(id);
    const patched = await stack.api.PATCH('/v1/tenants/{id}', { params: { path: { id } }, body: { city: 'Iquique' } });
    expect(patched.response.status).toBe(200);
  }
  const [pending] = await stack.query<{ n: string }>(`select count(*)::text as n from control.tenant_events where published_at is null`);
  expect(Number(pending.n)).toBe(TENANTS * 2);

  await ensureKafka({ instance, port, ...quiet });
  const kafka = createKafkaClient({
    brokers: stack.env.KAFKA_BROKERS!.split(','),
    clientId: 'e2e-outage-reader',
    logger: createLogger({ name: 'e2e', level: 'silent' }),
  });
  const messages = await readTopic(kafka, `${stack.topicPrefix}tenant.events`, TENANTS * 2, 90_000);
  for (const id of ids) {
    const own = messages
      .filter((m) => m.key === id)
      .sort((a, b) => Number(a.offset) - Number(b.offset))
      .map((m) => JSON.parse(m.value!));
    expect(own.map((e) => `${e.tenantversion}:${e.type}`)).toEqual(['1:TenantCreated', '2:TenantUpdated']);
  }
  await waitFor('outbox marked published', async () => {
    const [after] = await stack.query<{ n: string }>(`select count(*)::text as n from control.tenant_events where published_at is null`);
    return after.n === '0';
  });
}, 180_000);
