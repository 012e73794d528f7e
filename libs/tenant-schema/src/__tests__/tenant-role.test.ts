import pg from 'pg';
import { createTenantSchemaOrm, provisionTenantSchema, roleNameFor, schemaNameFor, setTenantRoleLogin, type TenantSchemaInput, type TenantSchemaOrm } from '../index.ts';
import { TenantTestDatabase } from './helpers/tenant-test-database.ts';

describe('tenant database role', () => {
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm;
  let tenantA: TenantSchemaInput;
  let tenantB: TenantSchemaInput;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    orm = await db.orm();
    tenantA = db.tenant({ name: 'Tenant A Limitada' });
    tenantB = db.tenant({ name: 'Tenant B Limitada' });
    await provisionTenantSchema(orm, tenantA);
    await provisionTenantSchema(orm, tenantB);
  });

  afterEach(async () => {
    await client?.end().catch(() => undefined);
    client = undefined;
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('reads and writes its own schema, found through its search_path', async () => {
    client = await db.connectAs(roleNameFor(tenantA.id));
    expect((await client.query('select razon_social from issuer')).rows).toEqual([{ razon_social: 'Tenant A Limitada' }]);
    await client.query(`insert into customers (name) values ('Cliente Uno')`);
    await client.query(`update customers set phone = '+56 2 2345 6789'`);
    expect((await client.query('select name, phone from customers')).rows).toEqual([{ name: 'Cliente Uno', phone: '+56 2 2345 6789' }]);
    await client.query('delete from customers');
  });

  it("cannot read another tenant's schema", async () => {
    client = await db.connectAs(roleNameFor(tenantA.id));
    await expect(client.query(`select * from "${schemaNameFor(tenantB.id)}".issuer`)).rejects.toMatchObject({
      code: '42501', // insufficient_privilege
    });
  });

  it('cannot create objects in public nor in its own schema, nor drop its tables', async () => {
    client = await db.connectAs(roleNameFor(tenantA.id));
    await expect(client.query('create table public.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    await expect(client.query(`create table "${schemaNameFor(tenantA.id)}".intruder (id int)`)).rejects.toMatchObject({ code: '42501' });
    await expect(client.query('drop table invoices')).rejects.toMatchObject({ code: '42501' });
    await expect(client.query('create schema intruder')).rejects.toMatchObject({ code: '42501' });
  });

  it('may read the migration history but not rewrite it', async () => {
    client = await db.connectAs(roleNameFor(tenantA.id));
    expect((await client.query('select name from mikro_orm_migrations')).rows.length).toBeGreaterThan(0);
    await expect(client.query('delete from mikro_orm_migrations')).rejects.toMatchObject({ code: '42501' });
  });

  it('with NOLOGIN cannot connect, and its open sessions are ended; LOGIN lets it back in', async () => {
    const role = roleNameFor(tenantB.id);
    const open = await db.connectAs(role);
    const ended = new Promise<void>((resolve) => open.once('end', () => resolve()));

    expect(await setTenantRoleLogin(orm, tenantB.id, false)).toBe(true);

    await ended;
    await expect(db.connectAs(role)).rejects.toThrow(/not permitted to log in/);
    expect(await setTenantRoleLogin(orm, tenantB.id, true)).toBe(true);
    client = await db.connectAs(role);
    expect((await client.query('select razon_social from issuer')).rows).toEqual([{ razon_social: 'Tenant B Limitada' }]);
  });

  it('a re-provisioning does not give LOGIN back to a deactivated tenant', async () => {
    const role = roleNameFor(tenantA.id);
    await setTenantRoleLogin(orm, tenantA.id, false);
    try {
      await provisionTenantSchema(orm, tenantA);
      expect(await db.query('select rolcanlogin from pg_roles where rolname = $1', [role])).toEqual([{ rolcanlogin: false }]);
    } finally {
      await setTenantRoleLogin(orm, tenantA.id, true);
    }
  });

  it('setTenantRoleLogin reports a missing role and does nothing', async () => {
    const neverProvisioned = db.tenant();
    await expect(setTenantRoleLogin(orm, neverProvisioned.id, false)).resolves.toBe(false);
    await expect(setTenantRoleLogin(orm, 'not-a-uuid', true)).rejects.toMatchObject({ code: 'TNT_ERR_INVALID_TENANT_ID' });
  });

  it('provisions a NOLOGIN role when asked to', async () => {
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant, { roleLogin: false });
    await expect(db.connectAs(roleNameFor(tenant.id))).rejects.toThrow(/not permitted to log in/);
  });
});

describe("a tenant role's share of the server (TENANT_ROLE_* limits, CONNECT and TEMP)", () => {
  const roleLimits = { connectionLimit: 2, statementTimeoutMs: 300, idleInTransactionTimeoutMs: 400 };
  let db: TenantTestDatabase;
  let other: TenantTestDatabase;
  let orm: TenantSchemaOrm;
  let otherOrm: TenantSchemaOrm;
  let tenant: TenantSchemaInput;
  const clients: pg.Client[] = [];
  const connect = async (database: TenantTestDatabase, user: string) => {
    const client = await database.connectAs(user);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    [db, other] = [await TenantTestDatabase.create(), await TenantTestDatabase.create()];
    [orm, otherOrm] = [await db.orm(), await other.orm()];
    tenant = db.tenant({ name: 'Limited Tenant SpA' });
    await provisionTenantSchema(orm, tenant, { roleLimits });
    await provisionTenantSchema(otherOrm, other.tenant({ name: 'Neighbour Tenant SpA' }), { roleLimits });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
  });

  afterAll(async () => {
    await db?.drop();
    await other?.drop();
  });

  it('holds at most its connection limit of sessions', async () => {
    const role = roleNameFor(tenant.id);
    await connect(db, role);
    await connect(db, role);
    await expect(connect(db, role)).rejects.toMatchObject({ code: '53300' }); // too many connections for role
  });

  it('has its statements cancelled after statement_timeout', async () => {
    const client = await connect(db, roleNameFor(tenant.id));
    expect((await client.query('show statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
    await expect(client.query('select pg_sleep(5)')).rejects.toMatchObject({ code: '57014' }); // query_canceled
  });

  it('has its session ended when a transaction idles past idle_in_transaction_session_timeout', async () => {
    const client = await connect(db, roleNameFor(tenant.id));
    expect((await client.query('show idle_in_transaction_session_timeout')).rows).toEqual([{ idle_in_transaction_session_timeout: '400ms' }]);
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await client.query('begin');
    await client.query('select 1 from issuer');
    await ended;
    await expect(client.query('select 1')).rejects.toThrow();
  });

  it('cannot create temporary tables, in its own database or anywhere', async () => {
    const client = await connect(db, roleNameFor(tenant.id));
    await expect(client.query('create temporary table scratch (id int)')).rejects.toMatchObject({ code: '42501' });
  });

  it('cannot connect to another tenant database on the server', async () => {
    await expect(connect(other, roleNameFor(tenant.id))).rejects.toMatchObject({ code: '42501' }); // permission denied for database
  });

  it('brings a tenant role made before the lock-down (PUBLIC still open) into the group, with its limits', async () => {
    const old = db.tenant({ name: 'Older Tenant SpA' });
    await provisionTenantSchema(orm, old, { roleLimits });
    const role = roleNameFor(old.id);
    // As a database provisioned by an earlier version was: PUBLIC's defaults, roles on their own.
    await db.query(
      `revoke "${db.name}_tenants" from "${role}"; alter role "${role}" noinherit connection limit -1; alter role "${role}" reset statement_timeout;
       grant connect, temporary on database "${db.name}" to public`,
    );
    const restarted = await db.orm(); // a new process: the lock-down runs again
    await provisionTenantSchema(restarted, db.tenant({ name: 'Newer Tenant SpA' }), { roleLimits });
    const client = await connect(db, role);
    expect((await client.query('show statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
    await expect(client.query('create temporary table scratch (id int)')).rejects.toMatchObject({ code: '42501' });
  });

  it("leaves PUBLIC nothing on a tenant database, while the services' role keeps CONNECT and TEMP", async () => {
    const [rights] = await db.query(
      `select has_database_privilege('public', current_database(), 'CONNECT') as public_connect,
              has_database_privilege('public', current_database(), 'TEMPORARY') as public_temp`,
    );
    expect(rights).toEqual({ public_connect: false, public_temp: false });
    const service = await connect(db, 'postgres');
    await service.query('create temporary table still_allowed (id int)');
  });
});

describe('a tenant database provisioned by a service role that is not a superuser', () => {
  const service = `svc_${Math.random().toString(36).slice(2, 10)}`;
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm | undefined;

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    await db.query(`create role "${service}" login createrole; alter database "${db.name}" owner to "${service}"`);
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`drop role if exists "${service}"`).finally(() => admin.end());
  });

  it('provisions, and the service role still connects and makes temporary tables after PUBLIC lost them', async () => {
    const url = new URL(db.url);
    url.username = service;
    orm = await createTenantSchemaOrm({ databaseUrl: url.toString() });
    const tenant = db.tenant({ name: 'Service Role Tenant SpA' });
    await provisionTenantSchema(orm, tenant);
    const client = await db.connectAs(service);
    try {
      await client.query('create temporary table service_scratch (id int)');
      expect((await client.query(`select has_database_privilege('public', current_database(), 'CONNECT') as open`)).rows).toEqual([{ open: false }]);
    } finally {
      await client.end();
    }
    const tenantClient = await db.connectAs(roleNameFor(tenant.id));
    try {
      expect((await tenantClient.query('select razon_social from issuer')).rows).toEqual([{ razon_social: 'Service Role Tenant SpA' }]);
    } finally {
      await tenantClient.end();
    }
  });
});
