import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { startStack, type Stack } from '@tenantry/e2e/stack';
import type { ServiceName } from '@tenantry/launch/services';
import { pool, send, type Outcome } from '../burst.ts';
import { useFaultBroker, type FaultBroker } from '../fault-broker.ts';
import { readerKafka, warmUp } from '../pipeline.ts';
import { createBody, updateBody } from '@tenantry/e2e/tenant-bodies';
import { report, settleAndVerify } from '../verify.ts';

// Scenario 2 (issue 5): kill -9, one at a time, in the middle of a burst of creates and updates:
// tenant-api (which holds the outbox relay), then the provisioner, then dte-sync; each is started
// again at once, as a supervisor would. The client retries like a careful one (same
// Idempotency-Key for a create, same body for an update). Every accepted request's effect must be
// there exactly once: every tenant active, no duplicate or half-built schema, every issuer equal to
// its tenant's latest DTE fields, every tenantversion sequence complete and in order on Kafka.
const TENANTS = Number(process.env.FAULTS_KILL_TENANTS ?? 300);
const KILLS: Array<{ at: number; service: ServiceName }> = [
  { at: 0.2, service: 'tenant-api' },
  { at: 0.45, service: 'provisioner' },
  { at: 0.7, service: 'dte-sync' },
];

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

it(`keeps every accepted effect exactly once through kill -9 of each service during ${TENANTS} creates and ${TENANTS} updates`, async () => {
  const token = await stack.token();
  const warm = await warmUp(stack, token);

  let done = 0;
  const total = TENANTS * 2;
  const killed: string[] = [];
  const killer = (async () => {
    for (const { at, service } of KILLS) {
      while (done < at * total) await sleep(20);
      await stack.services.get(service)!.kill9();
      killed.push(`${service}@${done}`);
      stack.start(service);
    }
  })();

  const results = await pool(Array.from({ length: TENANTS }, (_, i) => i), 4, async (i) => {
    const create = await send(stack, 'POST', '/v1/tenants', createBody('Kill', i), { token, idempotencyKey: `kill-nine-create-${i}`, budgetMs: 45_000 });
    done++;
    let update: Outcome | undefined;
    if (create.kind === 'accepted') {
      update = await send(stack, 'PATCH', `/v1/tenants/${create.body.id}`, updateBody(i, 1), { token, budgetMs: 45_000 });
    }
    done++;
    return { i, create, update };
  });
  await killer;

  const acceptedIds = [warm];
  const updates = new Map<string, { accepted: number; unknown: number }>();
  const unknownCreateNames: string[] = [];
  for (const { i, create, update } of results) {
    if (create.kind !== 'accepted') {
      if (create.kind === 'unknown') unknownCreateNames.push(createBody('Kill', i).name);
      continue;
    }
    acceptedIds.push(create.body.id);
    updates.set(create.body.id, { accepted: update?.kind === 'accepted' ? 1 : 0, unknown: update?.kind === 'unknown' ? 1 : 0 });
  }
  const rejected = results.filter((r) => r.create.kind === 'rejected' || r.update?.kind === 'rejected');

  const counts = await settleAndVerify(stack, { kafka, acceptedIds, updates, unknownCreateNames, timeoutMs: 420_000, expectedTenants: acceptedIds.length });
  const updatesAccepted = [...updates.values()].filter((u) => u.accepted).length;
  // A create in flight at the tenant-api kill either committed with its Idempotency-Key answer or
  // left nothing, so its retry always gets an answer; if one does not, say whether its tenant exists.
  const [{ n: unansweredCommitted }] = await stack.query<{ n: number }>('select count(*)::int as n from control.tenants where name = any($1)', [unknownCreateNames]);
  report('kill -9 in a burst', counts, {
    updates_accepted: updatesAccepted,
    unanswered: unknownCreateNames.length + [...updates.values()].filter((u) => u.unknown).length,
    unanswered_creates_committed: unansweredCommitted,
    unanswered_why: [...new Set(results.flatMap((r) => [r.create, r.update]).flatMap((o) => (o?.kind === 'unknown' ? [o.reason] : [])))].join('; '),
    rejected: rejected.length,
    killed: killed.join(' '),
  });

  expect(killed).toHaveLength(KILLS.length);
  expect(rejected.map((r) => JSON.stringify(r))).toEqual([]);
  expect(counts.lost).toBe(0);
  expect(counts.duplicated).toBe(0);
  expect(counts.outOfOrder).toBe(0);
  expect(counts.active).toBeGreaterThanOrEqual(counts.created);
  // Every request gets an answer, those in flight at the tenant-api kill included.
  expect(unknownCreateNames).toEqual([]);
  expect([...updates.values()].filter((u) => u.unknown)).toEqual([]);
  expect(counts.created).toBe(TENANTS + 1);
});
