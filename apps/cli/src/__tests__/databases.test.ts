import { createControlOrm, createTenant, createUser, migrateControlSchema, readTenantDatabases, type ControlOrm } from '@tenantry/control-db';
import { createPostgresCluster, createTestDatabase, freePort, type PostgresCluster, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { runCli, type CliResult } from '@tenantry/e2e/run-cli';

// `databases add|list|drain|open` as an operator runs them, against a real control database and a
// real second PostgreSQL server of the test's own. Every URL carries a password, and no output may
// show it.
const SCHEMA = 'control';
const PASSWORD = 'Sup3r-Secret-pw';
let control: TestDatabase;
let orm: ControlOrm;
let client: pg.Client;
let cluster: PostgresCluster;
let env: Record<string, string>;
let secondUrl: string;

const cli = async (...args: string[]): Promise<CliResult> => {
  const result = await runCli(args, env);
  expect(`${result.stdout}\n${result.stderr}`).not.toContain(PASSWORD);
  return result;
};
const registry = async () => (await readTenantDatabases(client, SCHEMA)).map((d) => ({ name: d.name, url: d.url, status: d.status }));

beforeAll(async () => {
  [control, cluster] = await Promise.all([createTestDatabase('tenantry_cli_databases'), createPostgresCluster()]);
  orm = await createControlOrm({ databaseUrl: control.url, controlSchema: SCHEMA });
  await migrateControlSchema(orm, SCHEMA);
  client = new pg.Client({ connectionString: control.url });
  await client.connect();
  env = { DATABASE_URL: control.url, CONTROL_SCHEMA: SCHEMA };
  // The cluster trusts every local connection; the password rides along as an operator's would.
  secondUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${cluster.port}/postgres`;
}, 180_000);

afterAll(async () => {
  await client?.end();
  await orm?.close(true);
  await Promise.all([control?.drop(), cluster?.release()]);
});

describe('databases add', () => {
  it('refuses a bad name or URL, or a server that does not answer, with a clear error, registering nothing', async () => {
    const before = await registry();
    const refusals: [string[], number, RegExp][] = [
      [['Bad-Name', secondUrl], 2, /"Bad-Name" is not a valid tenant database name/],
      [['second', `not a url ${PASSWORD}`], 2, /Refusing the URL: The database URL is not usable: it does not parse as a URL/],
      [['second', `https://user:${PASSWORD}@example.com/db`], 2, /its scheme is https, not postgres/],
      [['second', `postgres://user:${PASSWORD}@127.0.0.1:5432`], 2, /it names no database/],
      [['second', `postgres://tenantry:${PASSWORD}@127.0.0.1:${await freePort()}/tenants`], 1, /postgres:\/\/tenantry:\*\*\*@127\.0\.0\.1:\d+\/tenants: Cannot connect to the database: .*ECONNREFUSED/],
    ];
    for (const [args, code, message] of refusals) {
      const result = await cli('databases', 'add', ...args, '--timeout', '3000');
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code, stderr: expect.stringMatching(message) });
      expect(result.stdout).toBe('');
    }
    expect(await registry()).toEqual(before);
  });

  it('registers a reachable PostgreSQL 15+ server, open, and refuses the same name again', async () => {
    const added = await cli('databases', 'add', 'second', secondUrl, '--json');
    expect(added.code).toBe(0);
    expect(added.json).toEqual({
      name: 'second',
      url: `postgres://postgres:***@127.0.0.1:${cluster.port}/postgres`,
      status: 'open',
      server_version: expect.stringMatching(/^1[5-9]/),
      relations: expect.any(Number),
      size_bytes: expect.any(Number),
    });
    expect(await registry()).toEqual([
      { name: 'main', url: null, status: 'open' },
      { name: 'second', url: secondUrl, status: 'open' },
    ]);

    for (const url of [secondUrl, `postgres://other:${PASSWORD}@127.0.0.1:${await freePort()}/x`]) {
      const again = await cli('databases', 'add', 'second', url);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/A tenant database named "second" is already registered/);
    }
    const main = await cli('databases', 'add', 'main', secondUrl);
    expect(main.stderr).toMatch(/"main" is already registered/);
    expect((await registry()).length).toBe(2);
  });
});

describe('databases list, drain, open', () => {
  it('lists each database with its tenants, catalog, size and reachability; a stopped server is unreachable, not a crash', async () => {
    const admin = await createUser(orm, { email: 'cli-databases@example.com' });
    const fields = (n: number) => ({
      name: `Listed Tenant ${n}`, slug: `listed-${n}`, description: null, business_type: 'other', rut: null, address: null, commune: null,
      city: null, post_code: null, country_code: 'CL', giro: null, billing_day: 1, economic_activities: [], plan_id: 'free', user_limit: null,
      group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
    });
    for (const n of [1, 2]) await createTenant(orm, { fields: fields(n), adminUserId: admin.id, database: 'second' });

    const listed = await cli('databases', 'list', '--json');
    expect(listed.code).toBe(0);
    const [main, second] = listed.json.databases;
    expect(main).toMatchObject({ name: 'main', status: 'open', tenants: 0, reachable: true, error: null, url: expect.stringContaining('(DATABASE_URL)') });
    expect(second).toMatchObject({ name: 'second', status: 'open', tenants: 2, reachable: true, url: `postgres://postgres:***@127.0.0.1:${cluster.port}/postgres` });
    for (const database of [main, second]) {
      expect(database.relations).toBeGreaterThan(100); // the system catalog alone has a few hundred
      expect(database.size_bytes).toBeGreaterThan(1_000_000);
    }

    await cluster.stop();
    try {
      const down = await cli('databases', 'list', '--json', '--timeout', '3000');
      expect(down.code).toBe(0);
      expect(down.json.databases[0]).toMatchObject({ name: 'main', reachable: true });
      expect(down.json.databases[1]).toEqual({
        name: 'second', url: `postgres://postgres:***@127.0.0.1:${cluster.port}/postgres`, status: 'open', tenants: 2,
        reachable: false, server_version: null, relations: null, size_bytes: null, error: expect.stringMatching(/Cannot connect/),
      });
      const human = await cli('databases', 'list', '--timeout', '3000');
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^NAME\s+STATUS\s+TENANTS\s+RELATIONS\s+SIZE\s+REACHABLE\s+URL$/m);
      expect(human.stdout).toMatch(/^second\s+open\s+2\s+-\s+-\s+NO\s+postgres:\/\/postgres:\*\*\*@/m);
      expect(human.stdout).toMatch(/^second: Cannot connect to the database/m);
    } finally {
      await cluster.start();
    }
  });

  it('drains and opens a database, and refuses an unknown name', async () => {
    const drained = await cli('databases', 'drain', 'second');
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(/"second" is draining/);
    expect((await registry()).find((d) => d.name === 'second')?.status).toBe('draining');
    expect((await cli('databases', 'list', '--json')).json.databases[1].status).toBe('draining');

    const opened = await cli('databases', 'open', 'second', '--json');
    expect(opened.code).toBe(0);
    expect(opened.json).toEqual({ name: 'second', status: 'open' });
    expect((await registry()).find((d) => d.name === 'second')?.status).toBe('open');

    for (const verb of ['drain', 'open']) {
      const unknown = await cli('databases', verb, 'nowhere');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/There is no tenant database named "nowhere"/);
    }
  });
});
