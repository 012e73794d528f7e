import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { changeTenantStatus } from '@tenantry/control-db';
import { createLogger } from '@tenantry/logger';
import { createMoveFixture, MOVE_FIXTURE_SCHEMA as SCHEMA, type MoveFixture } from '@tenantry/tenant-moves/testing';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import type pg from 'pg';
import { REPO_ROOT } from '@tenantry/launch/services';

// Issue 15: `tenantry tenants purge --force` killed with SIGKILL at each step of a purge of a tenant
// that lives on tenant database `a` (not the control database). After each kill the control row is
// still there (never a schema without one), the journal names the step, and the tenant's schema
// exists exactly while the journal says it was not dropped; a re-run finishes the purge.
const ROWS = 2_000;
const logger = createLogger({ name: 'purge-crash', level: 'silent' });
let fixture: MoveFixture;

beforeAll(async () => {
  fixture = await createMoveFixture(logger);
}, 180_000);

afterAll(async () => {
  await fixture?.release();
}, 120_000);

/** `tenantry tenants purge <id> --force` as its own process; with `failpoint`, it stops dead right after that step. */
function purgeCommand(tenantId: string, failpoint?: string) {
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'apps/cli/src/main.ts'), 'tenants', 'purge', tenantId, '--force'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: fixture.control.url, CONTROL_SCHEMA: SCHEMA, LOG_LEVEL: 'warn', TENANTRY_PURGE_FAILPOINT: failpoint ?? '' },
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
  void exit.then((code) => code !== 0 && code !== 137 && console.log(`tenants purge exited ${code}:\n${output.join('')}`));
  return { child, exit, atFailpoint };
}

const one = async <R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[]) => (await client.query<R>(text, values)).rows[0];
const schemaOnA = async (tenantId: string) => Boolean(await one(await fixture.connect('a'), 'select 1 from pg_namespace where nspname = $1', [schemaNameFor(tenantId)]));
const roleOnA = async (tenantId: string) => Boolean(await one(await fixture.connect('a'), 'select 1 from pg_roles where rolname = $1', [roleNameFor(tenantId)]));

interface ControlState {
  status: string;
  name: string | null;
  journal: string | null;
  members: number;
  purgedEvents: number;
}

async function controlState(tenantId: string): Promise<ControlState | undefined> {
  return one<ControlState>(
    await fixture.connect('control'),
    `select t.status, t.name, p.state as journal,
            (select count(*)::int from ${SCHEMA}.memberships m where m.tenant_id = t.id) as members,
            (select count(*)::int from ${SCHEMA}.tenant_events e where e.tenant_id = t.id and e.type = 'TenantPurged') as "purgedEvents"
       from ${SCHEMA}.tenants t left join ${SCHEMA}.tenant_purges p on p.tenant_id = t.id where t.id = $1`,
    [tenantId],
  );
}

const KILL_POINTS = [
  { label: 'after the request was journalled, before the schema was dropped', failpoint: 'requested', schemaLeft: true, status: 'deactivated' },
  { label: 'right after the schema and role were dropped', failpoint: 'schema-dropped', schemaLeft: false, status: 'deactivated' },
  { label: 'right after the tombstone committed', failpoint: 'done', schemaLeft: false, status: 'purged' },
];

describe.each(KILL_POINTS)('tenants purge killed $label', (point) => {
  it('leaves the control row and the schema consistent with the journal, and a re-run finishes the purge', async () => {
    const tenant = await fixture.activeTenantOnA(`purge-${KILL_POINTS.indexOf(point)}`, ROWS);
    await changeTenantStatus(fixture.orm, tenant.id, 'deactivate');
    const first = purgeCommand(tenant.id, point.failpoint);
    await Promise.race([first.atFailpoint, first.exit.then((code) => Promise.reject(new Error(`tenants purge ended (${code}) before ${point.failpoint}`)))]);
    first.child.kill('SIGKILL');
    await first.exit;

    const atKill = await controlState(tenant.id);
    // The control row is never gone: the schema is never left without one.
    expect(atKill).toEqual(expect.objectContaining({ status: point.status, journal: point.failpoint === 'requested' ? 'requested' : point.failpoint }));
    expect(await schemaOnA(tenant.id)).toBe(point.schemaLeft);
    expect(await roleOnA(tenant.id)).toBe(point.schemaLeft);
    if (point.schemaLeft) expect(await fixture.countInvoices('a', schemaNameFor(tenant.id))).toBe(ROWS);

    const rerun = purgeCommand(tenant.id);
    expect(await rerun.exit).toBe(0);
    expect(await controlState(tenant.id)).toEqual({ status: 'purged', name: null, journal: 'done', members: 0, purgedEvents: 1 });
    expect(await schemaOnA(tenant.id)).toBe(false);
    expect(await roleOnA(tenant.id)).toBe(false);

    const line = `[fault] purge-crash ${point.label}: state_at_kill=${atKill?.journal} schema_left=${point.schemaLeft} rerun=done`;
    console.log(line);
    if (process.env.FAULTS_RESULTS_FILE) {
      appendFileSync(process.env.FAULTS_RESULTS_FILE, `${JSON.stringify({ scenario: `purge-crash ${point.label}`, state_at_kill: atKill?.journal })}\n`);
    }
  }, 300_000);
});
