import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import { startStack, type Stack } from '@tenantry/e2e/stack';
import { useFaultBroker, type FaultBroker } from './fault-broker.ts';
import { readerKafka, warmUp } from './pipeline.ts';
import { createBody } from '@tenantry/e2e/tenant-bodies';
import { report, settleAndVerify } from './verify.ts';

export interface ProvisioningCrashCase {
  /** Name in the fault summary. */
  label: string;
  /** PROVISIONER_SPARE_SCHEMAS for the stack. */
  spareSchemas: number;
  /** DDL command tag whose event trigger holds the provisioning transaction open. */
  holdAt: string;
  /** What the held batch's query text must look like (proves the right step was caught). */
  heldQuery: RegExp;
  /** Before the create: wait for what the case needs (e.g. a spare); returns extra counts. */
  prepare?: (holder: pg.Client) => Promise<void>;
  /** After the crash, before the restart: what must hold besides "no tenant schema, no role". */
  afterCrash?: (holder: pg.Client) => Promise<Record<string, string | number>>;
}

/**
 * The provisioner is SIGKILLed while its provisioning transaction is open. The transaction is held
 * open from the database side: an event trigger on `holdAt` waits for an advisory lock the test
 * holds; no hook in the service. Expected: nothing of it survives the crash (no tenant schema, no
 * tenant role), and a restarted provisioner finishes the job.
 */
export function describeProvisioningCrash(crash: ProvisioningCrashCase): void {
  const LOCK: [number, number] = [4242, 1];
  let broker: FaultBroker;
  let stack: Stack;
  let kafka: Kafka;
  let holder: pg.Client;

  beforeAll(async () => {
    broker = await useFaultBroker();
    stack = await startStack(undefined, { kafkaBrokers: broker.brokers, env: { PROVISIONER_SPARE_SCHEMAS: String(crash.spareSchemas) } });
    kafka = readerKafka(broker.brokers);
    holder = new pg.Client({ connectionString: stack.db.url });
    await holder.connect();
  }, 300_000);

  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await stack?.stop();
    await broker?.release();
  }, 300_000);

  async function blockedBackend(): Promise<{ pid: number; query: string } | undefined> {
    const { rows } = await holder.query<{ pid: number; query: string }>(
      `select l.pid, a.query from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and not l.granted and l.classid = $1 and l.objid = $2 and l.database = (select oid from pg_database where datname = current_database())`,
      LOCK,
    );
    return rows[0];
  }

  it(`leaves no schema and no role when the provisioner dies inside its transaction (${crash.label}), and provisions after a restart`, async () => {
    const token = await stack.token();
    const warm = await warmUp(stack, token);
    await crash.prepare?.(holder);

    await holder.query('select pg_advisory_lock($1, $2)', LOCK);
    await holder.query(`create function fault_hold_provisioning() returns event_trigger language plpgsql as $$
      begin
        perform pg_advisory_lock_shared(${LOCK[0]}, ${LOCK[1]});
        perform pg_advisory_unlock_shared(${LOCK[0]}, ${LOCK[1]});
      end $$`);
    await holder.query(`create event trigger fault_hold_provisioning on ddl_command_end when tag in ('${crash.holdAt}') execute function fault_hold_provisioning()`);

    const created = await stack.request('POST', '/v1/tenants', createBody('Crash', 1), token);
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const blocked = await waitFor(`provisioning transaction waiting inside ${crash.holdAt}`, blockedBackend, { timeoutMs: 90_000, intervalMs: 200 });
    expect(blocked.query).toMatch(crash.heldQuery);
    await stack.services.get('provisioner')!.kill9();

    // The orphaned backend finishes its statement once the lock is free, finds its client gone and rolls back.
    await holder.query('select pg_advisory_unlock($1, $2)', LOCK);
    await waitFor(
      'orphaned provisioning backend gone',
      async () => (await holder.query('select 1 from pg_stat_activity where pid = $1', [blocked.pid])).rowCount === 0,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const { rows: [left] } = await holder.query<{ schemas: number; roles: number }>(
      `select (select count(*)::int from pg_namespace where nspname = $1) as schemas, (select count(*)::int from pg_roles where rolname = $2) as roles`,
      [schemaNameFor(id), roleNameFor(id)],
    );
    const extra = (await crash.afterCrash?.(holder)) ?? {};
    const [before] = await stack.query<{ status: string }>('select status from control.tenants where id = $1', [id]);

    await holder.query('drop event trigger fault_hold_provisioning');
    stack.start('provisioner');
    const counts = await settleAndVerify(stack, { kafka, acceptedIds: [warm, id], timeoutMs: 180_000, expectedTenants: 2 });
    report(crash.label, counts, { schemas_left: left.schemas, roles_left: left.roles, ...extra });

    expect(left).toEqual({ schemas: 0, roles: 0 });
    expect(before.status).toBe('pending_setup');
    expect(counts).toMatchObject({ created: 2, active: 2, lost: 0, duplicated: 0, outOfOrder: 0 });
  });
}
