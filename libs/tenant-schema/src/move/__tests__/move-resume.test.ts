import { jest } from '@jest/globals';
import type { PostgresCluster } from '@tenantry/testing';
import { movedSchemaNameFor, roleNameFor, runTenantMove, undoTenantMove, type MoveState } from '../../index.ts';
import {
  createEndpoint,
  MemoryJournal,
  planFor,
  query,
  replicationLeft,
  roleCanWork,
  schemasNamed,
  seedTenant,
  SimulatedCrash,
  tenantContent,
  createServers,
} from './helpers/move-fixture.ts';

jest.setTimeout(300_000);

let serverA: PostgresCluster;
let serverB: PostgresCluster;

beforeAll(async () => {
  [serverA, serverB] = await createServers(['logical', 'logical']);
});

afterAll(async () => {
  await Promise.allSettled([serverA?.release(), serverB?.release()]);
});

const STEPS: MoveState[] = ['target-prepared', 'published', 'subscribed', 'caught-up', 'frozen', 'drained', 'sequences-synced', 'flipped', 'source-retired', 'unfrozen', 'done'];

describe('a move interrupted at any step finishes when run again', () => {
  test.each(STEPS.flatMap((state) => (['before', 'after'] as const).map((when) => [state, when] as const)))(
    'interrupted at %s (%s it is recorded)',
    async (state, when) => {
      const source = await createEndpoint(serverA.adminUrl, 'src');
      const target = await createEndpoint(serverB.adminUrl, 'tgt');
      const tenant = await seedTenant(source, { invoices: 200 });
      const before = await tenantContent(source.url, tenant.schema);
      const journal = new MemoryJournal();
      journal.crashAt = { state, when };

      await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
      await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });

      expect(journal.current).toBe('done');
      expect(await tenantContent(target.url, tenant.schema)).toEqual(before);
      expect(await schemasNamed(source.url, `${tenant.schema}%`)).toEqual([movedSchemaNameFor(tenant.id)]);
      expect(await roleCanWork(target.url, tenant.id)).toBe(true);
      expect(await roleCanWork(source.url, tenant.id)).toBe(false);
      expect(await replicationLeft(source, target)).toEqual([]);
    },
  );

  test('killed inside the freeze (source role left NOLOGIN, lock gone): a run freezes again and finishes', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'src');
    const target = await createEndpoint(serverB.adminUrl, 'tgt');
    const tenant = await seedTenant(source, { invoices: 50 });
    const journal = new MemoryJournal();
    journal.crashAt = { state: 'caught-up', when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
    // What a SIGKILL after 'drained' leaves: the role NOLOGIN, the journal past the freeze, no lock.
    await query(source.url, `alter role "${roleNameFor(tenant.id)}" nologin`);
    journal.current = 'drained';
    // A service write that got the lock while nobody held it must reach the target too.
    await query(source.url, `insert into ${tenant.schema}.customers (name) values ('Written after the crash')`);

    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });

    expect(journal.current).toBe('done');
    const names = await query<{ name: string }>(target.url, `select name from ${tenant.schema}.customers where name = 'Written after the crash'`);
    expect(names).toHaveLength(1);
    expect((await tenantContent(target.url, tenant.schema)).invoices).toBe(50);
  });
});

describe('a migration applied to the source during the move', () => {
  test('is caught inside the freeze: clear error, the source serves again, undo leaves nothing', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'src');
    const target = await createEndpoint(serverB.adminUrl, 'tgt');
    const tenant = await seedTenant(source, { invoices: 20 });
    const journal = new MemoryJournal();
    journal.crashAt = { state: 'caught-up', when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
    await query(source.url, `create table ${tenant.schema}.price_lists (id int primary key, name text)`);

    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toMatchObject({ code: 'TNT_ERR_MOVE_SCHEMA_CHANGED' });
    expect(journal.current).toBe('caught-up');
    expect(await roleCanWork(source.url, tenant.id)).toBe(true);

    await undoTenantMove(planFor(tenant.id, source, target), { journal });
    expect(await schemasNamed(target.url, 'tenant\\_%')).toEqual([]);
    expect(await replicationLeft(source, target)).toEqual([]);
  });
});

describe('after the flip, with the source server down', () => {
  test('a run lets the tenant in on the target, fails retriably, and finishes once the source is back', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'src');
    const target = await createEndpoint(serverB.adminUrl, 'tgt');
    const tenant = await seedTenant(source, { invoices: 20 });
    const journal = new MemoryJournal();
    journal.crashAt = { state: 'flipped', when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await roleCanWork(target.url, tenant.id)).toBe(false);

    await serverA.stop();
    try {
      await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toMatchObject({
        code: 'TNT_ERR_MOVE_DATABASE_UNREACHABLE',
        retriable: true,
      });
      expect(journal.current).toBe('flipped');
      expect(await roleCanWork(target.url, tenant.id)).toBe(true);
    } finally {
      await serverA.start();
    }

    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });
    expect(journal.current).toBe('done');
    expect(await schemasNamed(source.url, `${tenant.schema}%`)).toEqual([movedSchemaNameFor(tenant.id)]);
    expect(await replicationLeft(source, target)).toEqual([]);
  });
});

describe('undo before the flip', () => {
  test.each<MoveState>(['subscribed', 'caught-up', 'sequences-synced'])('after %s: the source serves, nothing is left on the target', async (state) => {
    const source = await createEndpoint(serverA.adminUrl, 'src');
    const target = await createEndpoint(serverB.adminUrl, 'tgt');
    const tenant = await seedTenant(source, { invoices: 100 });
    const before = await tenantContent(source.url, tenant.schema);
    const journal = new MemoryJournal();
    journal.crashAt = { state, when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);

    await undoTenantMove(planFor(tenant.id, source, target), { journal });
    // Undo is idempotent: a second run (after an interrupted first) finds nothing to do.
    await undoTenantMove(planFor(tenant.id, source, target), { journal });

    expect(await tenantContent(source.url, tenant.schema)).toEqual(before);
    expect(await roleCanWork(source.url, tenant.id)).toBe(true);
    expect(await schemasNamed(target.url, 'tenant\\_%')).toEqual([]);
    expect(await query(target.url, 'select 1 from pg_roles where rolname = $1', [roleNameFor(tenant.id)])).toEqual([]);
    expect(await replicationLeft(source, target)).toEqual([]);
  });

  test('is refused once the move has flipped', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'src');
    const target = await createEndpoint(serverB.adminUrl, 'tgt');
    const tenant = await seedTenant(source, { invoices: 10 });
    const journal = new MemoryJournal();
    journal.crashAt = { state: 'flipped', when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
    await expect(undoTenantMove(planFor(tenant.id, source, target), { journal })).rejects.toMatchObject({ code: 'TNT_ERR_MOVE_ALREADY_FLIPPED' });
    expect((await tenantContent(target.url, tenant.schema)).invoices).toBe(10);
  });
});
