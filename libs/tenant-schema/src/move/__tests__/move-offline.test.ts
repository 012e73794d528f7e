import { jest } from '@jest/globals';
import type { PostgresCluster } from '@tenantry/testing';
import { checkLogicalReplication, movedSchemaNameFor, roleNameFor, runTenantMove, undoTenantMove } from '../../index.ts';
import { createEndpoint, createServers, MemoryJournal, planFor, query, roleCanWork, schemasNamed, seedTenant, SimulatedCrash, tenantContent, urlAs } from './helpers/move-fixture.ts';

jest.setTimeout(180_000);

let plain: PostgresCluster;
let logical: PostgresCluster;

beforeAll(async () => {
  [plain, logical] = await createServers(['replica', 'logical']);
});

afterAll(async () => {
  await Promise.allSettled([plain?.release(), logical?.release()]);
});

test('checkLogicalReplication tells a logical source from one that is not', async () => {
  expect(await checkLogicalReplication(plain.adminUrl)).toMatchObject({ ok: false, walLevel: 'replica' });
  expect(await checkLogicalReplication(logical.adminUrl)).toEqual({ ok: true, walLevel: 'logical' });
});

test('an online move from a source without wal_level=logical is refused, naming --offline, and changes nothing', async () => {
  const source = await createEndpoint(plain.adminUrl, 'p1');
  const target = await createEndpoint(logical.adminUrl, 'l1');
  const tenant = await seedTenant(source, { invoices: 10 });
  const journal = new MemoryJournal();
  const refused = runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });
  await expect(refused).rejects.toMatchObject({ code: 'TNT_ERR_MOVE_NEEDS_LOGICAL_REPLICATION', retriable: false });
  await expect(refused).rejects.toThrow(/wal_level is replica.*--offline/s);
  expect(journal.history).toEqual([]);
  expect(await schemasNamed(target.url, 'tenant\\_%')).toEqual([]);
  expect(await roleCanWork(source.url, tenant.id)).toBe(true);
});

describe('offline move', () => {
  test('copies the schema with pg_dump/pg_restore: rows, sequences, rights; the source is retired', async () => {
    const source = await createEndpoint(plain.adminUrl, 'p2');
    const target = await createEndpoint(logical.adminUrl, 'l2');
    const tenant = await seedTenant(source, { invoices: 1_000 });
    const before = await tenantContent(source.url, tenant.schema);
    const journal = new MemoryJournal();

    await runTenantMove(planFor(tenant.id, source, target, 'offline'), { journal, flip: journal.flip });

    expect(journal.history).toEqual(['target-prepared', 'frozen', 'drained', 'sequences-synced', 'flipped', 'source-retired', 'unfrozen', 'done']);
    expect(await tenantContent(target.url, tenant.schema)).toEqual(before);
    const [{ max }] = await query<{ max: string }>(target.url, `select max(id)::text as max from ${tenant.schema}.invoices`);
    const [{ id }] = await query<{ id: string }>(urlAs(target.url, roleNameFor(tenant.id)), `insert into invoices (document_type, folio) values (33, 999999) returning id::text`);
    expect(BigInt(id)).toBeGreaterThan(BigInt(max));
    expect(await schemasNamed(source.url, `${tenant.schema}%`)).toEqual([movedSchemaNameFor(tenant.id)]);
    expect(await roleCanWork(target.url, tenant.id)).toBe(true);
    expect(await roleCanWork(source.url, tenant.id)).toBe(false);
  });

  test('interrupted after the copy, run again: copies again and finishes', async () => {
    const source = await createEndpoint(plain.adminUrl, 'p3');
    const target = await createEndpoint(logical.adminUrl, 'l3');
    const tenant = await seedTenant(source, { invoices: 100 });
    const before = await tenantContent(source.url, tenant.schema);
    const journal = new MemoryJournal();
    journal.crashAt = { state: 'drained', when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target, 'offline'), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
    // The freeze was undone: the source serves meanwhile.
    expect(await roleCanWork(source.url, tenant.id)).toBe(true);
    await query(urlAs(source.url, roleNameFor(tenant.id)), `insert into invoices (document_type, folio) values (33, 777777)`);

    await runTenantMove(planFor(tenant.id, source, target, 'offline'), { journal, flip: journal.flip });

    expect(journal.current).toBe('done');
    expect(await tenantContent(target.url, tenant.schema)).toMatchObject({ ...before, invoices: 101, invoices_digest: expect.any(String) });
  });

  test('undone before the flip: nothing on the target, the source serves', async () => {
    const source = await createEndpoint(plain.adminUrl, 'p4');
    const target = await createEndpoint(logical.adminUrl, 'l4');
    const tenant = await seedTenant(source, { invoices: 10 });
    const journal = new MemoryJournal();
    journal.crashAt = { state: 'sequences-synced', when: 'after' };
    await expect(runTenantMove(planFor(tenant.id, source, target, 'offline'), { journal, flip: journal.flip })).rejects.toBeInstanceOf(SimulatedCrash);
    await undoTenantMove(planFor(tenant.id, source, target, 'offline'), { journal });
    expect(await schemasNamed(target.url, 'tenant\\_%')).toEqual([]);
    expect(await query(target.url, 'select 1 from pg_roles where rolname = $1', [roleNameFor(tenant.id)])).toEqual([]);
    expect(await roleCanWork(source.url, tenant.id)).toBe(true);
  });
});
