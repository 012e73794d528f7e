import type pg from 'pg';
import { provisionTenantSchema, roleNameFor, schemaNameFor, setTenantRoleLogin, type TenantSchemaInput, type TenantSchemaOrm } from '../index.ts';
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
