import { jest } from '@jest/globals';
import type { PostgresCluster } from '@tenantry/testing';
import pg from 'pg';
import { cleanupMovedSchema, movedSchemaNameFor, roleNameFor, runTenantMove } from '../../index.ts';
import { tenantSchemaLockKey } from '../../schema/tenant-lock.ts';
import {
  createEndpoint,
  MemoryJournal,
  planFor,
  query,
  replicationLeft,
  roleCanWork,
  schemasNamed,
  seedTenant,
  startWriter,
  tenantContent,
  urlAs,
  createServers,
} from './helpers/move-fixture.ts';

jest.setTimeout(180_000);

let serverA: PostgresCluster;
let serverB: PostgresCluster;

beforeAll(async () => {
  [serverA, serverB] = await createServers(['logical', 'logical']);
});

afterAll(async () => {
  await Promise.allSettled([serverA?.release(), serverB?.release()]);
});

describe('online move between two servers', () => {
  test('moves every row, keeps sequences going, retires the source and leaves no replication behind; rows written meanwhile arrive', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'a1');
    const target = await createEndpoint(serverB.adminUrl, 'b1');
    const tenant = await seedTenant(source, { customers: 30, invoices: 2_000 });
    const journal = new MemoryJournal();
    const flipped = () => ['flipped', 'source-retired', 'unfrozen', 'done'].includes(journal.current);
    const writer = startWriter(() => (flipped() ? target.url : source.url), tenant.id, 1_000_000);

    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip, freezeTimeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the writer goes on against the target
    await writer.stop();

    expect(journal.history).toEqual(['target-prepared', 'published', 'subscribed', 'caught-up', 'frozen', 'drained', 'sequences-synced', 'flipped', 'source-retired', 'unfrozen', 'done']);
    const moved = movedSchemaNameFor(tenant.id);
    const before = await tenantContent(source.url, moved);
    const after = await tenantContent(target.url, tenant.schema);
    expect(writer.acknowledged.length).toBeGreaterThan(0);
    // Everything the source held (the seed and the writer's rows up to the freeze) is on the target.
    const sourceFolios = (await query<{ folio: string }>(source.url, `select folio from ${moved}.invoices where folio >= 1000000`)).map((r) => Number(r.folio));
    const targetFolios = new Set((await query<{ folio: string }>(target.url, `select folio from ${tenant.schema}.invoices where folio >= 1000000`)).map((r) => Number(r.folio)));
    expect(sourceFolios.filter((f) => !targetFolios.has(f))).toEqual([]);
    expect(writer.acknowledged.filter((f) => !targetFolios.has(f))).toEqual([]);
    // The writer wrote on the source while the move ran (before the freeze refused it), and those rows arrived.
    expect(sourceFolios.length).toBeGreaterThan(0);
    expect({ ...after, invoices: undefined, invoices_digest: undefined }).toEqual({ ...before, invoices: undefined, invoices_digest: undefined });

    // Sequences continue: the next invoice id on the target follows the source's last one.
    const [{ max }] = await query<{ max: string }>(source.url, `select max(id)::text as max from ${moved}.invoices`);
    const [{ id }] = await query<{ id: string }>(urlAs(target.url, roleNameFor(tenant.id)), `insert into invoices (document_type, folio) values (33, 5000000) returning id::text`);
    expect(BigInt(id)).toBeGreaterThan(BigInt(max));

    expect(await schemasNamed(source.url, `${tenant.schema}%`)).toEqual([moved]);
    expect(await roleCanWork(target.url, tenant.id)).toBe(true);
    expect(await roleCanWork(source.url, tenant.id)).toBe(false);
    expect(await replicationLeft(source, target)).toEqual([]);

    // Cleanup drops the old schema and, on another server, the source's role.
    expect(await cleanupMovedSchema(source, tenant.id, { sameServerAsTarget: false })).toEqual({ schemaDropped: true, roleDropped: true });
    expect(await schemasNamed(source.url, `${tenant.schema}%`)).toEqual([]);
    expect(await query(source.url, 'select 1 from pg_roles where rolname = $1', [roleNameFor(tenant.id)])).toEqual([]);
    expect(await roleCanWork(target.url, tenant.id)).toBe(true);
  });

  test('a run on a finished move does nothing', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'a2');
    const target = await createEndpoint(serverB.adminUrl, 'b2');
    const tenant = await seedTenant(source, { invoices: 10 });
    const journal = new MemoryJournal();
    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });
    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });
    expect(journal.history.filter((s) => s === 'done')).toHaveLength(1);
    expect((await tenantContent(target.url, tenant.schema)).invoices).toBe(10);
  });
});

describe('a stopped move', () => {
  test('stops between steps with a retriable error, and a later run continues', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'a7');
    const target = await createEndpoint(serverB.adminUrl, 'b7');
    const tenant = await seedTenant(source, { invoices: 30 });
    const journal = new MemoryJournal();
    const stop = new AbortController();
    journal.onAdvance = async (state) => {
      if (state === 'subscribed') stop.abort();
    };
    await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip, signal: stop.signal })).rejects.toMatchObject({
      code: 'TNT_ERR_MOVE_ABORTED',
      retriable: true,
    });
    expect(journal.current).toBe('subscribed');
    expect(await roleCanWork(source.url, tenant.id)).toBe(true);

    journal.onAdvance = undefined;
    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });
    expect(journal.current).toBe('done');
    expect((await tenantContent(target.url, tenant.schema)).invoices).toBe(30);
  });
});

describe('online move between two databases of the same server', () => {
  test('moves the rows; the shared role serves the target and cannot use the old schema; cleanup keeps the role', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'a3');
    const target = await createEndpoint(serverA.adminUrl, 'a4');
    const tenant = await seedTenant(source, { invoices: 500 });
    const before = await tenantContent(source.url, tenant.schema);
    const journal = new MemoryJournal();
    let servedEarly: boolean | undefined;
    journal.onAdvance = async (state) => {
      // The shared role has LOGIN; the target's copy must still be out of its reach before the flip.
      if (state === 'caught-up') servedEarly = await roleCanWork(target.url, tenant.id);
    };

    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });

    expect(servedEarly).toBe(false);
    expect(await tenantContent(target.url, tenant.schema)).toEqual(before);
    const moved = movedSchemaNameFor(tenant.id);
    expect(await schemasNamed(source.url, `${tenant.schema}%`)).toEqual([moved]);
    expect(await roleCanWork(target.url, tenant.id)).toBe(true);
    await expect(query(urlAs(source.url, roleNameFor(tenant.id)), `select count(*) from ${moved}.invoices`)).rejects.toThrow(/permission denied/);
    expect(await replicationLeft(source, target)).toEqual([]);

    expect(await cleanupMovedSchema(source, tenant.id, { sameServerAsTarget: true })).toEqual({ schemaDropped: true, roleDropped: false });
    expect(await roleCanWork(target.url, tenant.id)).toBe(true);
  });
});

describe('the freeze', () => {
  test("waits for a service writer that holds the schema's lock, and its row moves too", async () => {
    const source = await createEndpoint(serverA.adminUrl, 'a5');
    const target = await createEndpoint(serverB.adminUrl, 'b5');
    const tenant = await seedTenant(source, { invoices: 10 });
    const journal = new MemoryJournal();
    const service = new pg.Client({ connectionString: source.url });
    await service.connect();
    try {
      // Like issuer sync: the schema's lock, then a write, in a transaction still open when the freeze starts.
      journal.onAdvance = async (state) => {
        if (state !== 'caught-up') return;
        await service.query('begin');
        await service.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [tenantSchemaLockKey(tenant.schema)]);
        await service.query(`update ${tenant.schema}.issuer set giro = 'Written under the lock'`);
        setTimeout(() => void service.query('commit'), 500);
      };
      await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip, freezeTimeoutMs: 30_000 });
    } finally {
      await service.end();
    }
    const [issuer] = await query<{ giro: string }>(target.url, `select giro from ${tenant.schema}.issuer`);
    expect(issuer.giro).toBe('Written under the lock');
  });

  test('that cannot take the lock in time is undone: the source serves again; a later run finishes', async () => {
    const source = await createEndpoint(serverA.adminUrl, 'a6');
    const target = await createEndpoint(serverB.adminUrl, 'b6');
    const tenant = await seedTenant(source, { invoices: 10 });
    const journal = new MemoryJournal();
    const holder = new pg.Client({ connectionString: source.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [tenantSchemaLockKey(tenant.schema)]);
      await expect(runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip, freezeTimeoutMs: 1_000 })).rejects.toMatchObject({
        code: 'TNT_ERR_MOVE_FREEZE_TIMEOUT',
        retriable: true,
      });
      expect(journal.current).toBe('caught-up');
      expect(await roleCanWork(source.url, tenant.id)).toBe(true);
    } finally {
      await holder.end();
    }
    await runTenantMove(planFor(tenant.id, source, target), { journal, flip: journal.flip });
    expect(journal.current).toBe('done');
    expect((await tenantContent(target.url, tenant.schema)).invoices).toBe(10);
  });
});
