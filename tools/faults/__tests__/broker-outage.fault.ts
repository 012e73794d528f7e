import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { startStack, type Stack } from '@tenantry/e2e/stack';
import { pool, send } from '../burst.ts';
import { useFaultBroker, type FaultBroker } from '../fault-broker.ts';
import { readerKafka, warmUp } from '../pipeline.ts';
import { createBody } from '@tenantry/e2e/tenant-bodies';
import { report, settleAndVerify } from '../verify.ts';

// Scenario 1 (issue 5): the broker stops, 200 tenants are created through the API (every one
// answers 201), the broker stays down 30 s and comes back → all 200 active, each schema once, no
// event lost, none out of order per tenant.
const TENANTS = Number(process.env.FAULTS_OUTAGE_TENANTS ?? 200);
const DOWN_MS = 30_000;

let broker: FaultBroker;
let stack: Stack;
let kafka: Kafka;

beforeAll(async () => {
  broker = await useFaultBroker();
  stack = await startStack(undefined, { kafkaBrokers: broker.brokers });
  kafka = readerKafka(broker.brokers);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  await broker?.release();
}, 300_000);

it(`creates ${TENANTS} tenants while the broker is down ${DOWN_MS / 1000} s, then every one becomes active with its events in order`, async () => {
  const token = await stack.token();
  const warm = await warmUp(stack, token);

  await broker.stop();
  const stoppedAt = Date.now();
  const outcomes = await pool(Array.from({ length: TENANTS }, (_, i) => i), 4, (i) =>
    send(stack, 'POST', '/v1/tenants', createBody('Outage', i), { token, budgetMs: 20_000 }),
  );
  const statuses = outcomes.map((o) => (o.kind === 'unknown' ? 0 : o.status));
  const createdWhileDown = Date.now() - stoppedAt;
  await sleep(Math.max(0, DOWN_MS - createdWhileDown));
  await broker.start();
  const downFor = Date.now() - stoppedAt;

  const acceptedIds = [warm, ...outcomes.flatMap((o) => (o.kind === 'accepted' ? [o.body.id as string] : []))];
  const counts = await settleAndVerify(stack, { kafka, acceptedIds, timeoutMs: 300_000, expectedTenants: TENANTS + 1 });
  report('broker outage', counts, { http_201: statuses.filter((s) => s === 201).length + 1, broker_down_s: Math.round(downFor / 1000) });

  expect(statuses.filter((s) => s !== 201)).toEqual([]);
  expect(counts).toMatchObject({ created: TENANTS + 1, active: TENANTS + 1, lost: 0, duplicated: 0, outOfOrder: 0 });
});
