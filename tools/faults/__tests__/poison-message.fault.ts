import { randomBytes, randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { DLQ_HEADERS, createIdempotentProducer, ensureTopics } from '@tenantry/kafka';
import { schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import { startStack, type Stack } from '@tenantry/e2e/stack';
import { pool, send } from '../burst.ts';
import { useFaultBroker, type FaultBroker } from '../fault-broker.ts';
import { readerKafka, warmUp } from '../pipeline.ts';
import { readWholeTopic, type TopicRecord } from '../read-topic.ts';
import { createBody } from '@tenantry/e2e/tenant-bodies';
import { report, settleAndVerify } from '../verify.ts';

// Scenario 4 (issue 5): poison on tenant.events — invalid JSON, a JSON value that is not a valid
// event, and a valid event whose handler keeps throwing (dte-sync's issuer update refused by a
// database trigger) — each lands on the dead-letter topic of every group that fails on it, with
// the error in its headers; the messages after them on the same partition are processed.
// tenant.events has ONE partition here, so "after" is unambiguous.
const FOLLOWING = 5;
const prefix = `fault-poison-${randomBytes(4).toString('hex')}.`;
const topic = `${prefix}tenant.events`;

let broker: FaultBroker;
let stack: Stack;
let kafka: Kafka;

beforeAll(async () => {
  broker = await useFaultBroker();
  kafka = readerKafka(broker.brokers);
  await ensureTopics(kafka, [{ topic, numPartitions: 1, configs: { 'retention.ms': '-1' } }]);
  stack = await startStack(undefined, { kafkaBrokers: broker.brokers, topicPrefix: prefix });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  await broker?.release();
}, 300_000);

/** Topic names of this stack (prefix included); group ids may carry the prefix too. */
async function listTopics(): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
}

/** `<tenant.events>.<group>.dlq` (SPEC §4), whatever prefix the service gives its group id. */
async function deadLetters(group: string, expected: number): Promise<TopicRecord[]> {
  return waitFor(
    `${expected} dead letter(s) of ${group}`,
    async () => {
      const dlq = (await listTopics()).find((t) => t.startsWith(`${topic}.`) && (t === `${topic}.${group}.dlq` || t.endsWith(`.${group}.dlq`)));
      const records = dlq ? await readWholeTopic(kafka, dlq).catch(() => []) : [];
      return records.length >= expected ? records : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 1_000 },
  ).catch(async (error) => {
    throw new Error(`${(error as Error).message}; topics: ${(await listTopics()).join(', ')}\n--- service output ---\n${stack.logs.slice(-25).join('\n')}`);
  });
}

it('dead-letters invalid JSON, an invalid event and an event whose handler keeps failing, and processes what follows', async () => {
  const token = await stack.token();
  const warm = await warmUp(stack, token);

  // A database-side fault for the third kind: the warm-up tenant's issuer refuses one address.
  const schema = schemaNameFor(warm);
  await stack.query(`create function public.fault_refuse_address() returns trigger language plpgsql as $$
    begin
      if new.address = 'Calle Veneno 1' then raise exception 'fault: this issuer refuses Calle Veneno 1'; end if;
      return new;
    end $$`);
  await stack.query(`create trigger fault_refuse_address before update on "${schema}".issuer for each row execute function public.fault_refuse_address()`);

  const producer = createIdempotentProducer(kafka);
  const poison = [
    { key: randomUUID(), value: '{"specversion":"1.0","type":"TenantUpdated", this is not JSON' },
    { key: randomUUID(), value: JSON.stringify({ specversion: '1.0', type: 'TenantUpdated', id: 'not-a-uuid', tenantversion: 'seven', data: {} }) },
  ];
  const sent = await producer.send(topic, poison);
  await producer.disconnect();
  // One partition, one batch: the two messages sit at baseOffset and baseOffset + 1.
  const poisonOffsets = poison.map((_, i) => String(Number(sent[0].baseOffset) + i));

  const refused = await send(stack, 'PATCH', `/v1/tenants/${warm}`, { address: 'Calle Veneno 1' }, { token });
  expect(refused.kind).toBe('accepted');
  const healed = await send(stack, 'PATCH', `/v1/tenants/${warm}`, { address: 'Calle Sana 2' }, { token });
  expect(healed.kind).toBe('accepted');
  const following = await pool(Array.from({ length: FOLLOWING }, (_, i) => i), 2, (i) =>
    send(stack, 'POST', '/v1/tenants', createBody('After poison', i), { token }),
  );
  const acceptedIds = [warm, ...following.flatMap((o) => (o.kind === 'accepted' ? [o.body.id as string] : []))];

  const provisionerDlq = await deadLetters('provisioner', 2);
  const dteSyncDlq = await deadLetters('dte-sync', 3);
  const counts = await settleAndVerify(stack, { kafka, acceptedIds, timeoutMs: 180_000, expectedTenants: 1 + FOLLOWING });
  report('poison message', counts, { poison_sent: 3, dlq_provisioner: provisionerDlq.length, dlq_dte_sync: dteSyncDlq.length });

  // The two malformed messages: dead-lettered by both groups, source offset and error recorded.
  // They belong to different tenants, which the provisioner handles side by side
  // (PROVISIONER_CONCURRENCY): their dead letters may arrive in either order.
  for (const dlq of [provisionerDlq, dteSyncDlq]) {
    const malformed = dlq.filter((r) => poisonOffsets.includes(r.headers[DLQ_HEADERS.sourceOffset]));
    expect(Object.fromEntries(malformed.map((r) => [r.headers[DLQ_HEADERS.sourceOffset], r.value]))).toEqual(
      Object.fromEntries(poison.map((p, i) => [poisonOffsets[i], p.value])),
    );
    expect(malformed).toHaveLength(poison.length);
    for (const record of malformed) {
      expect(record.headers[DLQ_HEADERS.sourceTopic]).toBe(topic);
      expect(record.headers[DLQ_HEADERS.error].length).toBeGreaterThan(0);
    }
  }
  expect(provisionerDlq).toHaveLength(2);
  // The event whose handler kept failing: only dte-sync's group, after its retries, with the database's error.
  const failing = dteSyncDlq.filter((r) => !poisonOffsets.includes(r.headers[DLQ_HEADERS.sourceOffset]));
  expect(failing).toHaveLength(1);
  // Contract v2: the dead letter is the message as it was on the wire, its address sealed with the
  // tenant's key (the error header below names the plain value the handler refused).
  expect(JSON.parse(failing[0].value!)).toMatchObject({ type: 'TenantUpdated', subject: warm, data: { tenant: { address: { alg: 'A256GCM', kid: `tenant:${warm}` } } } });
  expect(failing[0].headers[DLQ_HEADERS.error]).toContain('fault: this issuer refuses Calle Veneno 1');
  expect(Number(failing[0].headers[DLQ_HEADERS.attempts])).toBeGreaterThan(1);

  expect(counts).toMatchObject({ created: 1 + FOLLOWING, active: 1 + FOLLOWING, lost: 0, duplicated: 0, outOfOrder: 0 });
});
