import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import type { Stack } from '@tenantry/e2e/stack';
import { readWholeTopic } from './read-topic.ts';

/** What every scenario prints and asserts on (lost = duplicated = outOfOrder = 0). */
export interface FaultCounts {
  /** Requests the API accepted (2xx) that create a tenant. */
  created: number;
  /** Tenants that ended `active`. */
  active: number;
  /** Events or effects missing: a version gap, an event never on Kafka, a missing schema/role/issuer/seed row, a stale issuer. */
  lost: number;
  /** An effect present twice: a second tenant for one request, extra seed rows or activities, a migration recorded twice. */
  duplicated: number;
  /** Kafka messages of a tenant (de-duplicated by event id) whose tenantversion went down. */
  outOfOrder: number;
  /** Same event id more than once on Kafka: allowed by SPEC §1 (harmless), shown for information. */
  wireDuplicates: number;
  /** Human-readable reasons behind non-zero lost/duplicated/outOfOrder (first few). */
  details: string[];
}

export interface VerifyOptions {
  kafka: Kafka;
  /** Ids of the tenants whose create the API accepted. */
  acceptedIds: readonly string[];
  /** Per tenant, how many DTE updates the API accepted and how many got no answer (0 or 1 effect each). */
  updates?: ReadonlyMap<string, { accepted: number; unknown: number }>;
  /** Names of creates that got no answer: each may exist at most once. */
  unknownCreateNames?: readonly string[];
}

interface TenantRow extends Record<string, unknown> {
  id: string;
  name: string;
  rut: string | null;
  address: string | null;
  commune: string | null;
  city: string | null;
  giro: string | null;
  economic_activities: Array<{ code: string }>;
  status: string;
  version: number;
}

interface LogRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  tenant_version: number;
  type: string;
  published: boolean;
}

/** Checks every tenant of the scenario's database against the event log, Kafka and its schema. */
export async function verifyTenants(stack: Stack, options: VerifyOptions): Promise<FaultCounts> {
  const counts: FaultCounts = { created: options.acceptedIds.length, active: 0, lost: 0, duplicated: 0, outOfOrder: 0, wireDuplicates: 0, details: [] };
  const note = (what: 'lost' | 'duplicated' | 'outOfOrder', n: number, detail: string) => {
    if (n <= 0) return;
    counts[what] += n;
    if (counts.details.length < 15) counts.details.push(`${what} +${n}: ${detail}`);
  };

  const tenants = await stack.query<TenantRow>(
    `select id::text as id, name, rut, address, commune, city, giro, economic_activities, status, version from control.tenants`,
  );
  const byId = new Map(tenants.map((t) => [t.id, t]));
  for (const id of options.acceptedIds) if (!byId.has(id)) note('lost', 1, `accepted tenant ${id} is not in control.tenants`);

  const byName = new Map<string, number>();
  for (const t of tenants) byName.set(t.name, (byName.get(t.name) ?? 0) + 1);
  for (const [name, n] of byName) note('duplicated', n - 1, `${n} tenants named "${name}"`);

  const log = await stack.query<LogRow>(
    `select id::text as id, tenant_id::text as tenant_id, tenant_version, type, published_at is not null as published
       from control.tenant_events order by tenant_id, tenant_version`,
  );
  const logByTenant = new Map<string, LogRow[]>();
  for (const row of log) logByTenant.set(row.tenant_id, [...(logByTenant.get(row.tenant_id) ?? []), row]);

  const topic = stack.env.KAFKA_TOPIC_PREFIX + 'tenant.events';
  const records = await readWholeTopic(options.kafka, topic);
  const wireByTenant = new Map<string, Array<{ id: string; version: number }>>();
  for (const record of records) {
    let event: { id?: string; tenantversion?: number } | null = null;
    try {
      event = JSON.parse(record.value ?? 'null');
    } catch {
      continue; // not an event of ours (a poison message injected by a scenario)
    }
    if (!record.key || !event?.id) continue;
    wireByTenant.set(record.key, [...(wireByTenant.get(record.key) ?? []), { id: event.id, version: Number(event.tenantversion) }]);
  }

  for (const tenant of tenants) {
    if (tenant.status === 'active') counts.active++;
    const events = logByTenant.get(tenant.id) ?? [];
    // The event log: versions 1..version, each once.
    const versions = events.map((e) => e.tenant_version);
    const expected = Array.from({ length: tenant.version }, (_, i) => i + 1);
    note('lost', expected.filter((v) => !versions.includes(v)).length, `tenant ${tenant.id} log versions [${versions}] for version ${tenant.version}`);
    note('lost', events.filter((e) => !e.published).length, `tenant ${tenant.id} has unpublished events`);

    // Kafka: every logged event once in effect, in version order.
    const wire = wireByTenant.get(tenant.id) ?? [];
    const seen = new Set<string>();
    let highest = 0;
    for (const message of wire) {
      if (seen.has(message.id)) {
        counts.wireDuplicates++;
        continue;
      }
      seen.add(message.id);
      if (message.version < highest) note('outOfOrder', 1, `tenant ${tenant.id} v${message.version} after v${highest} on Kafka`);
      highest = Math.max(highest, message.version);
    }
    const missing = events.filter((e) => !seen.has(e.id));
    note('lost', missing.length, `tenant ${tenant.id} events v${missing.map((e) => e.tenant_version)} not on Kafka`);

    // Updates: one TenantUpdated per accepted PATCH, at most one per unanswered one.
    const plan = options.updates?.get(tenant.id);
    if (plan) {
      const updated = events.filter((e) => e.type === 'TenantUpdated').length;
      note('lost', plan.accepted - updated, `tenant ${tenant.id}: ${updated} TenantUpdated for ${plan.accepted} accepted updates`);
      note('duplicated', updated - plan.accepted - plan.unknown, `tenant ${tenant.id}: ${updated} TenantUpdated for ${plan.accepted}+${plan.unknown} updates`);
    }

    if (tenant.status !== 'active') continue;
    await verifySchema(stack, tenant, note);
  }

  for (const name of options.unknownCreateNames ?? []) {
    note('duplicated', (byName.get(name) ?? 0) - 1, `unanswered create "${name}" exists ${byName.get(name)} times`);
  }
  return counts;
}

async function verifySchema(stack: Stack, tenant: TenantRow, note: (what: 'lost' | 'duplicated', n: number, detail: string) => void) {
  const schema = schemaNameFor(tenant.id);
  const [catalog] = await stack.query<{ schemas: number; roles: number }>(
    `select (select count(*)::int from pg_namespace where nspname = $1) as schemas,
            (select count(*)::int from pg_roles where rolname = $2) as roles`,
    [schema, roleNameFor(tenant.id)],
  );
  if (catalog.schemas !== 1 || catalog.roles !== 1) {
    note('lost', 1, `active tenant ${tenant.id}: ${catalog.schemas} schema(s), ${catalog.roles} role(s)`);
    return;
  }
  const q = (table: string) => `"${schema}".${table}`;
  const [issuerCount] = await stack.query<{ n: number }>(`select count(*)::int as n from ${q('issuer')}`);
  const [issuer] = await stack.query<Record<string, string | null>>(`select razon_social, rut, giro, address, commune, city from ${q('issuer')}`);
  note('lost', 1 - issuerCount.n, `tenant ${tenant.id} has no issuer row`);
  note('duplicated', issuerCount.n - 1, `tenant ${tenant.id} has ${issuerCount.n} issuer rows`);
  if (issuer) {
    const want = { razon_social: tenant.name, rut: tenant.rut, giro: tenant.giro, address: tenant.address, commune: tenant.commune, city: tenant.city };
    const stale = Object.entries(want).filter(([field, value]) => issuer[field] !== value);
    note('lost', stale.length ? 1 : 0, `tenant ${tenant.id} issuer differs in ${stale.map(([f]) => `${f} (${issuer[f]} ≠ ${want[f as keyof typeof want]})`).join(', ')}`);
  }
  const [rows] = await stack.query<{ activities: number; mains: number; migrations: number; distinct_migrations: number }>(
    `select (select count(*)::int from ${q('economic_activities')}) as activities,
            (select count(*)::int from ${q('locations')} where is_main) as mains,
            (select count(*)::int from ${q('mikro_orm_migrations')}) as migrations,
            (select count(distinct name)::int from ${q('mikro_orm_migrations')}) as distinct_migrations`,
  );
  const wantActivities = tenant.economic_activities.length;
  note('lost', wantActivities - rows.activities, `tenant ${tenant.id}: ${rows.activities}/${wantActivities} economic activities`);
  note('duplicated', rows.activities - wantActivities, `tenant ${tenant.id}: ${rows.activities}/${wantActivities} economic activities`);
  note('lost', 1 - rows.mains, `tenant ${tenant.id} has no casa matriz`);
  note('duplicated', rows.mains - 1, `tenant ${tenant.id} has ${rows.mains} main locations`);
  note('duplicated', rows.migrations - rows.distinct_migrations, `tenant ${tenant.id} has a migration recorded twice`);
}

/**
 * Waits (bounded) until the outbox is drained and every tenant is active, then verifies until the
 * counts are clean or `timeoutMs` is over (dte-sync may still be catching up); returns the last counts.
 */
export async function settleAndVerify(stack: Stack, options: VerifyOptions & { timeoutMs: number; expectedTenants?: number }): Promise<FaultCounts> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const [state] = await stack.query<{ pending: number; inactive: number; total: number }>(
      `select (select count(*)::int from control.tenant_events where published_at is null) as pending,
              (select count(*)::int from control.tenants where status <> 'active') as inactive,
              (select count(*)::int from control.tenants) as total`,
    );
    if (state.pending === 0 && state.inactive === 0 && state.total >= (options.expectedTenants ?? 0)) break;
    await sleep(1_000);
  }
  let counts = await verifyTenants(stack, options);
  while (Date.now() < deadline && (counts.lost || counts.duplicated || counts.outOfOrder || counts.active < counts.created)) {
    await sleep(3_000);
    counts = await verifyTenants(stack, options);
  }
  return counts;
}

/** One line per scenario, also appended to FAULTS_RESULTS_FILE for the runner's summary. */
export function report(scenario: string, counts: FaultCounts, extra: Record<string, number | string> = {}): void {
  const fields = { created: counts.created, active: counts.active, lost: counts.lost, duplicated: counts.duplicated, out_of_order: counts.outOfOrder, wire_duplicates: counts.wireDuplicates, ...extra };
  const line = `[fault] ${scenario}: ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  console.log([line, ...counts.details.map((d) => `  ${d}`)].join('\n'));
  if (process.env.FAULTS_RESULTS_FILE) appendFileSync(process.env.FAULTS_RESULTS_FILE, `${JSON.stringify({ scenario, ...fields })}\n`);
}
