import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { startStack, type Stack } from '@tenantry/e2e/stack';
import { SERVICE_NAMES } from '@tenantry/launch/services';
import { pool, send, type Outcome } from '../burst.ts';
import { useFaultBroker, type FaultBroker } from '../fault-broker.ts';
import { createPostgresCluster, waitFor, type PostgresCluster } from '@tenantry/testing';
import { readerKafka, warmUp } from '../pipeline.ts';
import { createBody, updateBody } from '@tenantry/e2e/tenant-bodies';
import { report, settleAndVerify } from '../verify.ts';

// Scenario 7 (issue 5): PostgreSQL is restarted with the machine's own control command in the
// middle of a burst of creates and updates → the services reconnect by themselves (same
// processes, none restarted), /readyz answers 503 while the database is down and 200 again
// afterwards, /healthz keeps answering, and nothing is lost, duplicated or out of order.
//
// The database is a cluster of the suite's own (@tenantry/testing's createPostgresCluster), never the machine's shared
// `main` cluster that other test runs use. The restart is `pg_ctlcluster stop -m fast`, a measured
// down window, then `pg_ctlcluster start`: a bare `pg_ctlcluster restart` is down for well under
// a second, too short to see /readyz say "not ready" or to outlast the workers' in-process
// retries (~5 s), so it would prove little; stop + start is the same restart with an outage one
// can observe. The client retries like a careful one (same Idempotency-Key for a create, same body
// for an update); only answered-2xx requests count as must-exist.
const TENANTS = Number(process.env.FAULTS_DB_TENANTS ?? 150);
const STOP_AT = 0.3; // share of the burst's requests answered when PostgreSQL is stopped
const DOWN_MS = 12_000;

let postgres: PostgresCluster;
let broker: FaultBroker;
let stack: Stack;
let kafka: Kafka;

beforeAll(async () => {
  postgres = await createPostgresCluster();
  broker = await useFaultBroker();
  stack = await startStack(undefined, { kafkaBrokers: broker.brokers, adminDatabaseUrl: postgres.adminUrl });
  kafka = readerKafka(broker.brokers);
}, 300_000);

afterAll(async () => {
  await postgres?.start().catch(() => undefined); // a failed run may have left it stopped; the stack drops its database
  await stack?.stop().catch(() => undefined);
  await broker?.release();
  await postgres?.release();
}, 300_000);

async function statusOf(path: string): Promise<number | string> {
  try {
    const response = await fetch(`${stack.baseUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
    await response.text();
    return response.status;
  } catch (error) {
    return (error as Error).name;
  }
}

it(`reconnects by itself after PostgreSQL is stopped ${DOWN_MS / 1000} s in a burst of ${TENANTS} creates and updates, losing nothing`, async () => {
  const token = await stack.token();
  const warm = await warmUp(stack, token);
  const pidsBefore = SERVICE_NAMES.map((name) => stack.services.get(name)!.child.pid);

  let done = 0;
  const total = TENANTS * 2;
  // What the burst's tries got while the server was really gone (between stop returning and start
  // being called); answers while it was stopping or starting are not counted.
  let phase: 'up' | 'stopping' | 'down' | 'starting' = 'up';
  const triesWhileDown = new Map<string, number>();
  const onTry = (result: number | string) => {
    if (phase !== 'down') return;
    const key = typeof result === 'number' ? String(result) : 'no answer';
    triesWhileDown.set(key, (triesWhileDown.get(key) ?? 0) + 1);
  };

  const readyz: Array<number | string> = [];
  const healthz: Array<number | string> = [];
  const outage = (async () => {
    while (done < STOP_AT * total) await sleep(20);
    const answeredAtStop = done;
    phase = 'stopping';
    const stopCalled = Date.now();
    await postgres.stop();
    phase = 'down';
    const downFrom = Date.now();
    while (Date.now() - downFrom < DOWN_MS) {
      const [ready, health] = await Promise.all([statusOf('/readyz'), statusOf('/healthz')]);
      readyz.push(ready);
      healthz.push(health);
      await sleep(250);
    }
    phase = 'starting';
    const startCalled = Date.now();
    await postgres.start();
    phase = 'up';
    const answering = Date.now();
    // No service is touched: /readyz must turn 200 again by itself.
    await waitFor('/readyz 200 again after PostgreSQL came back', async () => (await statusOf('/readyz')) === 200, { timeoutMs: 60_000, intervalMs: 250 });
    return {
      answeredAtStop,
      stopMs: downFrom - stopCalled,
      downMs: startCalled - downFrom,
      startMs: answering - startCalled,
      readyAgainMs: Date.now() - answering,
    };
  })();

  const results = await pool(Array.from({ length: TENANTS }, (_, i) => i), 4, async (i) => {
    const create = await send(stack, 'POST', '/v1/tenants', createBody('Restart', i), { token, idempotencyKey: `db-restart-create-${i}`, budgetMs: 60_000, onTry });
    done++;
    let update: Outcome | undefined;
    if (create.kind === 'accepted') {
      update = await send(stack, 'PATCH', `/v1/tenants/${create.body.id}`, updateBody(i, 1), { token, budgetMs: 60_000, onTry });
    }
    done++;
    return { i, create, update };
  });
  const window = await outage;

  const acceptedIds = [warm];
  const updates = new Map<string, { accepted: number; unknown: number }>();
  const unknownCreateNames: string[] = [];
  for (const { i, create, update } of results) {
    if (create.kind !== 'accepted') {
      if (create.kind === 'unknown') unknownCreateNames.push(createBody('Restart', i).name);
      continue;
    }
    acceptedIds.push(create.body.id);
    updates.set(create.body.id, { accepted: update?.kind === 'accepted' ? 1 : 0, unknown: update?.kind === 'unknown' ? 1 : 0 });
  }
  const rejected = results.filter((r) => r.create.kind === 'rejected' || r.update?.kind === 'rejected');

  const counts = await settleAndVerify(stack, { kafka, acceptedIds, updates, unknownCreateNames, timeoutMs: 180_000, expectedTenants: acceptedIds.length });
  const pidsAfter = SERVICE_NAMES.map((name) => stack.services.get(name)!.child.pid);
  const stillRunning = SERVICE_NAMES.filter((name) => {
    const child = stack.services.get(name)!.child;
    return child.exitCode === null && child.signalCode === null;
  });
  const count = (list: Array<number | string>, value: number) => list.filter((s) => s === value).length;
  // A message a worker gave up on while the database was down would sit in a dead-letter topic.
  const deadLettered = stack.logs.filter((line) => line.includes('message dead-lettered'));
  if (deadLettered.length) console.log(`dead-lettered during the restart:\n${deadLettered.slice(0, 5).map((l) => l.slice(0, 600)).join('\n')}`);
  report('database restart', counts, {
    updates_accepted: [...updates.values()].filter((u) => u.accepted).length,
    unanswered: unknownCreateNames.length + [...updates.values()].filter((u) => u.unknown).length,
    rejected: rejected.length,
    stopped_at: `${window.answeredAtStop}/${total}`,
    stop_s: (window.stopMs / 1000).toFixed(1),
    db_down_s: (window.downMs / 1000).toFixed(1),
    start_s: (window.startMs / 1000).toFixed(1),
    readyz_503: `${count(readyz, 503)}/${readyz.length}`,
    healthz_200: `${count(healthz, 200)}/${healthz.length}`,
    ready_again_s: (window.readyAgainMs / 1000).toFixed(1), // after the server answered again
    tries_while_down: [...triesWhileDown].map(([k, v]) => `${k}x${v}`).join(' '),
    services_restarted: SERVICE_NAMES.length - stillRunning.length,
    dead_lettered: deadLettered.length,
  });

  // Not ready while the database is down; alive all along; ready again without anyone's help.
  expect(count(readyz, 503)).toBeGreaterThan(0);
  expect(readyz.filter((s) => s !== 503)).toEqual([]);
  expect(count(healthz, 200)).toBe(healthz.length);
  // The same three processes, all still running: they reconnected by themselves.
  expect(pidsAfter).toEqual(pidsBefore);
  expect(stillRunning).toEqual([...SERVICE_NAMES]);

  expect(deadLettered).toEqual([]);
  expect(rejected.map((r) => JSON.stringify(r))).toEqual([]);
  expect(counts.lost).toBe(0);
  expect(counts.duplicated).toBe(0);
  expect(counts.outOfOrder).toBe(0);
  expect(counts.active).toBeGreaterThanOrEqual(counts.created);
  // Every request is answered in the end: the outage is shorter than a request's retry budget.
  expect(unknownCreateNames).toEqual([]);
  expect(counts.created).toBe(TENANTS + 1);
});
