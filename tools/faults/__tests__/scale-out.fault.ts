import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '@tenantry/kafka';
import { waitFor } from '@tenantry/testing';
import { startStack, type Stack } from '@tenantry/e2e/stack';
import { spawnService, type ServiceName, type ServiceProcess } from '@tenantry/launch/services';
import { pool, send } from '../burst.ts';
import { useFaultBroker, type FaultBroker } from '../fault-broker.ts';
import { readerKafka, warmUp } from '../pipeline.ts';
import { appliedOutOfOrder, parseServiceLogs } from '../service-logs.ts';
import { createBody, updateBody } from '@tenantry/e2e/tenant-bodies';
import { report, settleAndVerify } from '../verify.ts';

// Scenario 5 (issue 5): tenant.events with 12 partitions, three provisioner and two dte-sync
// replicas in their groups; one provisioner and one dte-sync replica are killed (-9, not
// restarted) mid-burst → the groups rebalance and finish; each tenant's events are applied with
// strictly rising tenantversion (dte-sync's "applied" log lines of every replica, in time order),
// and every schema is created by exactly one provisioning.
const TENANTS = Number(process.env.FAULTS_SCALE_TENANTS ?? 150);
const UPDATES_PER_TENANT = 2;
const prefix = `fault-scale-${randomBytes(4).toString('hex')}.`;

let broker: FaultBroker;
let stack: Stack;
let kafka: Kafka;
const replicas: ServiceProcess[] = [];

function startReplica(name: ServiceName, n: number): ServiceProcess {
  const replica = spawnService(name, { env: stack.env, onLine: (line) => stack.logs.push(`[${name}#${n}] ${line}`) });
  replicas.push(replica);
  return replica;
}

async function groupMembers(group: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  broker = await useFaultBroker();
  kafka = readerKafka(broker.brokers);
  await ensureTopics(kafka, [{ topic: `${prefix}tenant.events`, numPartitions: 12, configs: { 'retention.ms': '-1' } }]);
  stack = await startStack(undefined, { kafkaBrokers: broker.brokers, topicPrefix: prefix, env: { LOG_LEVEL: 'info' } });
}, 300_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await stack?.stop();
  await broker?.release();
}, 300_000);

it(`spreads ${TENANTS} tenants over 3 provisioners and 2 dte-syncs on 12 partitions, survives losing one of each, keeps per-tenant order`, async () => {
  const token = await stack.token();
  const provisioners = [stack.services.get('provisioner')!, startReplica('provisioner', 2), startReplica('provisioner', 3)];
  const dteSyncs = [stack.services.get('dte-sync')!, startReplica('dte-sync', 2)];
  const groups = { provisioner: `${prefix}provisioner`, dteSync: `${prefix}dte-sync` };
  await waitFor('3 provisioners and 2 dte-syncs in their groups', async () => (await groupMembers(groups.provisioner)) === 3 && (await groupMembers(groups.dteSync)) === 2, {
    timeoutMs: 120_000,
    intervalMs: 1_000,
  });
  const warm = await warmUp(stack, token);

  let done = 0;
  const killed: string[] = [];
  const killer = (async () => {
    while (done < TENANTS * 0.3) await sleep(20);
    await provisioners[1].kill9();
    killed.push(`provisioner#2@${done}`);
    while (done < TENANTS * 0.6) await sleep(20);
    await dteSyncs[1].kill9();
    killed.push(`dte-sync#2@${done}`);
  })();
  const results = await pool(Array.from({ length: TENANTS }, (_, i) => i), 6, async (i) => {
    const create = await send(stack, 'POST', '/v1/tenants', createBody('Scale', i), { token, idempotencyKey: `scale-${i}` });
    let accepted = 0;
    if (create.kind === 'accepted') {
      for (let k = 1; k <= UPDATES_PER_TENANT; k++) {
        if ((await send(stack, 'PATCH', `/v1/tenants/${create.body.id}`, updateBody(i, k), { token })).kind === 'accepted') accepted++;
      }
    }
    done++;
    return { create, accepted };
  });
  await killer;

  const acceptedIds = [warm, ...results.flatMap((r) => (r.create.kind === 'accepted' ? [r.create.body.id as string] : []))];
  const updates = new Map(results.flatMap((r) => (r.create.kind === 'accepted' ? [[r.create.body.id as string, { accepted: r.accepted, unknown: UPDATES_PER_TENANT - r.accepted }] as const] : [])));
  const counts = await settleAndVerify(stack, { kafka, acceptedIds, updates, timeoutMs: 420_000, expectedTenants: acceptedIds.length });

  const lines = parseServiceLogs(stack.logs);
  const disorder = appliedOutOfOrder(lines);
  counts.outOfOrder += disorder.length;
  for (const { tenant, versions } of disorder.slice(0, 5)) counts.details.push(`outOfOrder +1: dte-sync applied tenant ${tenant} versions ${versions.join(' → ')}`);
  const provisioned = new Map<string, number>();
  for (const line of lines) {
    if (line.msg === 'tenant schema provisioned' && line.fields.created === true && line.source.startsWith('provisioner')) {
      provisioned.set(String(line.fields.tenant_id), (provisioned.get(String(line.fields.tenant_id)) ?? 0) + 1);
    }
  }
  const twice = [...provisioned.values()].filter((n) => n > 1).length;
  counts.duplicated += twice;
  const appliedBy = new Set(lines.filter((l) => l.fields.outcome === 'applied').map((l) => l.source));
  const provisionedBy = new Set(lines.filter((l) => l.msg === 'tenant schema provisioned' && l.source.startsWith('provisioner')).map((l) => l.source));
  report('scale-out 3 provisioners + 2 dte-syncs, 12 partitions', counts, {
    updates_accepted: [...updates.values()].reduce((n, u) => n + u.accepted, 0),
    provisioned_by: provisionedBy.size,
    applied_by: appliedBy.size,
    killed: killed.join(' '),
  });

  expect(killed).toHaveLength(2);
  expect(provisionedBy.size).toBeGreaterThanOrEqual(2); // the work really was shared
  expect(appliedBy.size).toBe(2);
  expect(counts).toMatchObject({ created: TENANTS + 1, active: TENANTS + 1, lost: 0, duplicated: 0, outOfOrder: 0 });
});
