import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger } from '@tenantry/logger';
import { createMoveFixture, MOVE_FIXTURE_SCHEMA as SCHEMA, type MoveFixture } from '@tenantry/tenant-moves/testing';
import { movedSchemaNameFor, roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import type pg from 'pg';
import { REPO_ROOT } from '@tenantry/launch/services';

// Issue 12: `tenantry tenants move` killed with SIGKILL at each step of an online move. After each
// kill the tenant is served by exactly one database (its placement) holding all its rows; a
// re-run of the same command finishes the move. A tenant of 60,000 invoices on server a moves to b.
const ROWS = 60_000;
const logger = createLogger({ name: 'move-crash', level: 'silent' });
let fixture: MoveFixture;

beforeAll(async () => {
  fixture = await createMoveFixture(logger);
}, 180_000);

afterAll(async () => {
  await fixture?.release();
}, 120_000);

/** `tenantry tenants move <id> --to b` as its own process; with `failpoint`, it stops dead right after that step. */
function moveCommand(tenantId: string, failpoint?: string) {
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'apps/cli/src/main.ts'), 'tenants', 'move', tenantId, '--to', 'b'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: fixture.control.url, CONTROL_SCHEMA: SCHEMA, LOG_LEVEL: 'warn', TENANTRY_MOVE_FAILPOINT: failpoint ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let reached: () => void = () => undefined;
  const atFailpoint = new Promise<void>((done) => (reached = done));
  const listen = (chunk: Buffer) => {
    output.push(String(chunk));
    if (failpoint && output.join('').includes(`failpoint ${failpoint} reached`)) reached();
  };
  child.stdout!.on('data', listen);
  child.stderr!.on('data', listen);
  const exit = new Promise<number>((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 137 : 0))));
  void exit.then((code) => code !== 0 && code !== 137 && console.log(`tenants move exited ${code}:\n${output.join('')}`));
  return { child, exit, atFailpoint };
}

const moveState = async (control: pg.Client, tenantId: string) =>
  (await control.query<{ state: string }>(`select state from ${SCHEMA}.tenant_moves where tenant_id = $1 order by id desc limit 1`, [tenantId])).rows[0]?.state;
const placementOf = async (control: pg.Client, tenantId: string) =>
  (await control.query<{ database: 'a' | 'b' }>(`select database from ${SCHEMA}.tenants where id = $1`, [tenantId])).rows[0].database;
const liveSchemaOn = async (name: 'a' | 'b', schema: string) =>
  ((await (await fixture.connect(name)).query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount ?? 0) === 1;
const roleCanLogin = async (name: 'a' | 'b', tenantId: string) =>
  Boolean((await (await fixture.connect(name)).query('select rolcanlogin from pg_roles where rolname = $1', [roleNameFor(tenantId)])).rows[0]?.rolcanlogin);

/** The invariant after any kill: the placement's database holds the live schema with every row. */
async function servedByExactlyOne(control: pg.Client, tenantId: string): Promise<'a' | 'b'> {
  const placed = await placementOf(control, tenantId);
  const other = placed === 'a' ? 'b' : 'a';
  const schema = schemaNameFor(tenantId);
  expect(await liveSchemaOn(placed, schema)).toBe(true);
  expect(await fixture.countInvoices(placed, schema)).toBe(ROWS);
  // The other server may hold a half-built copy (before the flip) or the frozen old one (after it),
  // but never lets the tenant's role in.
  expect(await roleCanLogin(other, tenantId)).toBe(false);
  return placed;
}

interface KillPoint {
  label: string;
  /** The step after which the runner stops dead (TENANTRY_MOVE_FAILPOINT), to be killed there. */
  failpoint: string;
  /** More to wait for at the failpoint before the kill. */
  alsoWait?: (tenantId: string) => Promise<boolean>;
}

const subscription = (tenantId: string) => `tenantry_move_${tenantId.replaceAll('-', '')}`;

/** The initial copy is over (every table 'r'eady) and the runner is in its catch-up wait. */
const copyDone = async (tenantId: string) => {
  const { rows } = await (await fixture.connect('b')).query<{ pending: string; total: string }>(
    `select count(*) filter (where r.srsubstate <> 'r') as pending, count(*) as total
       from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = $1`,
    [subscription(tenantId)],
  );
  return Number(rows[0].total) > 0 && Number(rows[0].pending) === 0;
};

const KILL_POINTS: KillPoint[] = [
  { label: 'right after the subscription was created', failpoint: 'subscribed' },
  { label: 'during catch-up (initial copy done, runner waiting for the lag to close)', failpoint: 'subscribed', alsoWait: copyDone },
  { label: 'inside the write freeze (source frozen, last LSN not yet confirmed)', failpoint: 'frozen' },
  { label: 'right after the flip', failpoint: 'flipped' },
];

describe.each(KILL_POINTS)('tenants move killed $label', (point) => {
  it('leaves the tenant served by exactly one database with all its rows, and a re-run finishes the move', async () => {
    const tenant = await fixture.activeTenantOnA(`crash-${KILL_POINTS.indexOf(point)}`, ROWS);
    const control = await fixture.connect('control');
    const first = moveCommand(tenant.id, point.failpoint);
    await Promise.race([first.atFailpoint, first.exit.then((code) => Promise.reject(new Error(`tenants move ended (${code}) before ${point.failpoint}`)))]);
    if (point.alsoWait) await waitFor(`move ${point.label}`, () => point.alsoWait!(tenant.id), { timeoutMs: 180_000, intervalMs: 50 });
    first.child.kill('SIGKILL');
    await first.exit;
    const stateAtKill = await moveState(control, tenant.id);
    expect(stateAtKill).toBe(point.failpoint);
    const servedBy = await servedByExactlyOne(control, tenant.id);

    const rerun = moveCommand(tenant.id);
    expect(await rerun.exit).toBe(0);
    expect(await placementOf(control, tenant.id)).toBe('b');
    expect(await fixture.countInvoices('b', schemaNameFor(tenant.id))).toBe(ROWS);
    expect(await liveSchemaOn('a', schemaNameFor(tenant.id))).toBe(false);
    expect(await liveSchemaOn('a', movedSchemaNameFor(tenant.id))).toBe(true);
    expect(await roleCanLogin('b', tenant.id)).toBe(true);
    expect(await roleCanLogin('a', tenant.id)).toBe(false);
    const leftovers = await (await fixture.connect('b')).query('select subname from pg_subscription where subname = $1', [subscription(tenant.id)]);
    expect(leftovers.rows).toEqual([]);
    const slots = await (await fixture.connect('a')).query('select slot_name from pg_replication_slots where slot_name = $1', [subscription(tenant.id)]);
    expect(slots.rows).toEqual([]);
    const line = `[fault] move-crash ${point.label}: state_at_kill=${stateAtKill} served_by=${servedBy} rows=${ROWS} rerun=done`;
    console.log(line);
    if (process.env.FAULTS_RESULTS_FILE) {
      appendFileSync(process.env.FAULTS_RESULTS_FILE, `${JSON.stringify({ scenario: `move-crash ${point.label}`, state_at_kill: stateAtKill, served_by: servedBy })}\n`);
    }
  }, 400_000);
});
