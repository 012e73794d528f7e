import pg from 'pg';
import { OUTBOX_CHANNEL } from '@tenantry/control-db';
import { schemaNameFor } from '@tenantry/tenant-schema';
import { startBenchStack } from '../bench-stack.ts';
import type { BenchContext } from '../context.ts';
import { sleep } from '../context.ts';
import { nowMs, watchEvents } from '../event-watch.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { checkTarget, round, summarize } from '../stats.ts';
import { tenantBodies } from '../tenant-bodies.ts';

/**
 * Update → event: PATCH a tenant, take the commit instant from the outbox's own NOTIFY (delivered
 * at commit), then time the TenantUpdated record reaching a test consumer and dte-sync writing the
 * issuer row (polled every 2 ms on its source_version).
 */
export async function runEventLatency(ctx: BenchContext): Promise<BenchResult> {
  const result = emptyResult('event-latency', 'Event latency');
  const updates = ctx.args.quick ? 20 : 200;
  const tenantsCount = ctx.args.quick ? 2 : 5;
  const gapMs = 20;
  const issuerPollMs = 2;
  result.inputs = { updates, tenants: tenantsCount, 'gap between updates': `${gapMs} ms`, 'issuer poll interval': `${issuerPollMs} ms` };
  result.method = [
    'One PATCH /v1/tenants/{id} (new address) at a time, round-robin over a few active tenants, with a short idle gap so each update is measured alone.',
    `Commit instant: the harness LISTENs on the outbox channel \`${OUTBOX_CHANNEL}\`; tenant-api's transaction calls pg_notify, which PostgreSQL delivers at commit.`,
    'Consumer: a plain kafkajs consumer in its own group on `tenant.events` (maxWaitTime 100 ms, min bytes 1): time until the TenantUpdated record of that tenantversion arrives.',
    "Issuer: a second connection reads `issuer.source_version` of the tenant's schema every 2 ms until it reaches the event's tenantversion (dte-sync wrote and committed it).",
  ];
  const stack = await startBenchStack('events', ctx.brokers);
  const unregister = ctx.onCleanup(() => stack.stop());
  const watch = await watchEvents(stack.brokers, [stack.topics.events], `bench-watch-${Date.now()}`);
  const listener = new pg.Client({ connectionString: stack.databaseUrl, application_name: 'tenantry-bench-listen' });
  const poller = new pg.Client({ connectionString: stack.databaseUrl, application_name: 'tenantry-bench-issuer' });
  const toConsumer: number[] = [];
  const toIssuer: number[] = [];
  const fromResponseToConsumer: number[] = [];
  const commitAfterRequest: number[] = [];
  const commitToRecord: number[] = [];
  const recordToConsumer: number[] = [];
  try {
    await listener.connect();
    await poller.connect();
    let lastNotify = 0;
    listener.on('notification', () => {
      lastNotify = nowMs();
    });
    await listener.query(`listen ${OUTBOX_CHANNEL}`);
    const nextBody = tenantBodies('events');
    const tenants: string[] = [];
    for (let i = 0; i < tenantsCount; i++) {
      const created = await stack.api.POST('/v1/tenants', { body: nextBody() });
      if (!created.data) throw new Error(`POST /v1/tenants answered ${created.response.status}: ${JSON.stringify(created.error)}`);
      tenants.push(created.data.id);
    }
    for (const id of tenants) await watch.waitFor((e) => e.subject === id && e.type === 'TenantProvisioned', 120_000);
    // dte-sync applies TenantProvisioned too: wait until every issuer row is current before timing.
    await sleep(500);
    for (let i = 0; i < updates; i++) {
      const id = tenants[i % tenants.length];
      const schema = schemaNameFor(id);
      const t0 = nowMs();
      lastNotify = 0;
      const response = await stack.api.PATCH('/v1/tenants/{id}', { params: { path: { id } }, body: { address: `Calle Bench ${i}` } });
      const tResponse = nowMs();
      if (!response.data) throw new Error(`PATCH answered ${response.response.status}: ${JSON.stringify(response.error)}`);
      const version = response.data.version;
      const consumed = watch.waitFor((e) => e.subject === id && e.type === 'TenantUpdated' && e.tenantversion === version, 30_000);
      let issuerAt: number | undefined;
      const deadline = t0 + 30_000;
      while (issuerAt === undefined) {
        const { rows } = await poller.query<{ v: string }>(`select source_version as v from "${schema}".issuer`);
        if (Number(rows[0]?.v) >= version) issuerAt = nowMs();
        else if (nowMs() > deadline) throw new Error(`issuer of ${id} did not reach version ${version} within 30 s\n${stack.tail()}`);
        else await sleep(issuerPollMs);
      }
      const event = await consumed;
      // The NOTIFY may be read after the response when the event loop was busy; it is never later than the consumer.
      const commitAt = lastNotify || tResponse;
      if (!lastNotify) ctx.log(`event-latency: no NOTIFY seen for update ${i}; using the response time`);
      toConsumer.push(event.receivedAt - commitAt);
      toIssuer.push(issuerAt - commitAt);
      fromResponseToConsumer.push(event.receivedAt - tResponse);
      commitAfterRequest.push(commitAt - t0);
      commitToRecord.push(event.producedAt - commitAt);
      recordToConsumer.push(event.receivedAt - event.producedAt);
      await sleep(gapMs);
    }
  } finally {
    await listener.end().catch(() => undefined);
    await poller.end().catch(() => undefined);
    await watch.stop();
    unregister();
    await stack.stop();
  }
  const consumer = summarize(toConsumer);
  const issuer = summarize(toIssuer);
  const row = (label: string, s: ReturnType<typeof summarize>) => [label, s.p50, s.p90, s.p99, s.max];
  result.tables.push({
    title: 'Latency (ms)',
    columns: ['from → to', 'p50', 'p90', 'p99', 'max'],
    rows: [
      row('commit (NOTIFY) → TenantUpdated consumed by a test consumer', consumer),
      row('commit (NOTIFY) → dte-sync has written the issuer', issuer),
      row('for reference: PATCH response → TenantUpdated consumed', summarize(fromResponseToConsumer)),
      row('for reference: PATCH sent → commit', summarize(commitAfterRequest)),
    ],
  });
  result.targets.push(checkTarget('p99 commit → consumer', consumer.p99, '<=', 50, 'ms'), checkTarget('p99 commit → issuer', issuer.p99, '<=', 100, 'ms'));
  const relay = summarize(commitToRecord);
  const fetch = summarize(recordToConsumer);
  result.tables.push({
    title: 'Where the time goes to the consumer (ms; Kafka record timestamps are set by the relay when it sends; millisecond resolution)',
    columns: ['step', 'p50', 'p99', 'max'],
    rows: [
      ['relay: commit → record sent (NOTIFY wake-up, read outbox, produce)', relay.p50, relay.p99, relay.max],
      ['broker ack + consumer fetch: record sent → consumed', fetch.p50, fetch.p99, fetch.max],
    ],
  });
  result.profile.push(
    `Median split to the consumer: ${relay.p50} ms in the relay (commit → record sent), ${fetch.p50} ms from the record's timestamp to the consumer; ` +
      `at p99: ${relay.p99} ms and ${fetch.p99} ms. The issuer adds dte-sync's own fetch and one transaction on top of the consumer figure (median ${round(issuer.p50 - consumer.p50, 1)} ms).`,
  );
  if (result.targets.some((t) => !t.met) && consumer.p50 <= 25 && issuer.p50 <= 50) {
    result.closeGap.push(
      `The medians are far inside the targets (${consumer.p50} ms to the consumer, ${issuer.p50} ms to the issuer); the misses are in the tail, where the relay's hop reaches ${relay.p99} ms and the broker/fetch hop ${fetch.p99} ms at p99 — scheduling delays on a 2-CPU machine shared with other work rather than a step that is slow every time. ` +
        'On a dedicated machine the tail shrinks; in code, the relay could publish straight from the committed transaction\'s NOTIFY payload (the event id) instead of re-reading the outbox, and dte-sync could commit offsets in the background (its issuer write is idempotent by tenantversion) instead of after every message.',
    );
  }
  else if (result.targets.some((t) => !t.met)) {
    result.closeGap.push(
      `Even the medians are slow (${consumer.p50} ms to the consumer, ${issuer.p50} ms to the issuer): the relay hop (median ${relay.p50} ms) and the broker/fetch hop (median ${fetch.p50} ms) above say which side to look at first.`,
    );
  }
  result.notes.push('No floor for this one (as the issue says): the figures are absolute; the issuer figure has a resolution of the 2 ms poll plus one query.');
  result.data = { consumer, issuer, toConsumer, toIssuer };
  return result;
}
