import { readLatestTenantMove, requestTenantMove } from '@tenantry/control-db';
import { createLogger } from '@tenantry/logger';
import { movedSchemaNameFor, roleNameFor, schemaNameFor, tenantSchemaLockKey } from '@tenantry/tenant-schema';
import type pg from 'pg';
import { cleanupMovedSchemas, runOpenTenantMove, TenantMoveBusyError } from '../index.ts';
import { createMoveFixture, MOVE_FIXTURE_SCHEMA as SCHEMA, type MoveFixture } from '../testing/index.ts';

// The move runner on real servers: a control schema on the shared server, tenant databases a and
// b on two servers of the suite's own (wal_level=logical).
const logger = createLogger({ name: 'move-test', level: 'silent' });
let fixture: MoveFixture;

beforeAll(async () => {
  fixture = await createMoveFixture(logger);
}, 180_000);

afterAll(async () => {
  await fixture?.release();
}, 120_000);

const deps = (extra: object = {}) => ({ orm: fixture.orm, controlSchema: SCHEMA, databases: fixture.databases, logger, ...extra });
const canLogin = async (client: pg.Client, tenantId: string) =>
  (await client.query('select rolcanlogin from pg_roles where rolname = $1', [roleNameFor(tenantId)])).rows[0]?.rolcanlogin;
const schemaExists = async (client: pg.Client, schema: string) =>
  (await client.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount === 1;

it('moves a tenant to another server: rows, sequences, role and placement follow; TenantMoved is in the outbox; cleanup drops the old schema', async () => {
  const tenant = await fixture.activeTenantOnA('moving-one', 5_000);
  await requestTenantMove(fixture.orm, tenant.id, { to: 'b', mode: 'logical' });
  const steps: string[] = [];
  await runOpenTenantMove(deps({ onStep: (state: string) => steps.push(state) }), tenant.id);

  // `flipped` is written by the flip's own transaction, not reported as a step.
  expect(steps).toEqual(['target-prepared', 'published', 'subscribed', 'caught-up', 'frozen', 'drained', 'sequences-synced', 'source-retired', 'unfrozen', 'done']);
  const [a, b, control] = await Promise.all([fixture.connect('a'), fixture.connect('b'), fixture.connect('control')]);
  const schema = schemaNameFor(tenant.id);
  expect(await fixture.countInvoices('b', schema)).toBe(5_000);
  expect(await schemaExists(a, schema)).toBe(false);
  expect(await fixture.countInvoices('a', movedSchemaNameFor(tenant.id))).toBe(5_000);
  // The identity sequence came along: the next invoice on b does not collide.
  await b.query(`insert into ${schema}.invoices (document_type, folio) values (33, 5001)`);
  expect(await canLogin(b, tenant.id)).toBe(true);
  expect(await canLogin(a, tenant.id)).toBe(false);

  const { rows: [placed] } = await control.query(`select database, version from ${SCHEMA}.tenants where id = $1`, [tenant.id]);
  expect(placed).toEqual({ database: 'b', version: tenant.version + 2 }); // +1 provisioned, +1 moved
  const { rows: events } = await control.query(`select type, event from ${SCHEMA}.tenant_events where tenant_id = $1 order by seq`, [tenant.id]);
  expect(events.at(-1).type).toBe('TenantMoved');
  expect(events.at(-1).event.data).toMatchObject({ from: 'a', to: 'b', tenant: { database: 'b', version: tenant.version + 2 } });
  expect(await readLatestTenantMove(fixture.orm, tenant.id)).toMatchObject({ state: 'done', oldSchema: movedSchemaNameFor(tenant.id), finishedAt: expect.any(String) });

  const cleaned = await cleanupMovedSchemas(deps(), tenant.id);
  expect(cleaned).toHaveLength(1);
  expect(await schemaExists(a, movedSchemaNameFor(tenant.id))).toBe(false);
  expect(await canLogin(a, tenant.id)).toBeUndefined(); // the role went with it: a is another server
  expect(await cleanupMovedSchemas(deps(), tenant.id)).toHaveLength(0);
}, 180_000);

it('a move that fails before the flip is undone: the source keeps serving, nothing is left on the target, the move ends failed', async () => {
  const tenant = await fixture.activeTenantOnA('failing-one', 100);
  const schema = schemaNameFor(tenant.id);
  // Another session holds the schema's advisory lock on the source: the freeze cannot take it in time.
  const blocker = await fixture.connect('a');
  await blocker.query('select pg_advisory_lock(hashtextextended($1, 0))', [tenantSchemaLockKey(schema)]);

  await requestTenantMove(fixture.orm, tenant.id, { to: 'b', mode: 'logical' });
  await expect(runOpenTenantMove(deps({ freezeTimeoutMs: 1_000 }), tenant.id)).rejects.toThrow();
  await blocker.query('select pg_advisory_unlock_all()');

  const [a, b, control] = await Promise.all([fixture.connect('a'), fixture.connect('b'), fixture.connect('control')]);
  expect(await fixture.countInvoices('a', schema)).toBe(100);
  expect(await schemaExists(b, schema)).toBe(false);
  expect(await canLogin(a, tenant.id)).toBe(true);
  expect(await readLatestTenantMove(fixture.orm, tenant.id)).toMatchObject({ state: 'failed', error: expect.any(String) });
  expect((await control.query(`select database from ${SCHEMA}.tenants where id = $1`, [tenant.id])).rows[0].database).toBe('a');
}, 180_000);

it('one runner per move: a second runner is refused while the first holds the move', async () => {
  const tenant = await fixture.activeTenantOnA('busy-one', 20_000);
  await requestTenantMove(fixture.orm, tenant.id, { to: 'b', mode: 'logical' });
  const first = runOpenTenantMove(deps(), tenant.id);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await expect(runOpenTenantMove(deps(), tenant.id)).rejects.toBeInstanceOf(TenantMoveBusyError);
  await first;
  expect(await readLatestTenantMove(fixture.orm, tenant.id)).toMatchObject({ state: 'done' });
}, 180_000);
