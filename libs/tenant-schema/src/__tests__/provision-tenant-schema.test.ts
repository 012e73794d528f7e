import { LATEST_TENANT_MIGRATION, tenantMigrations } from '@tenantry/tenant-migrations';
import {
  MAIN_LOCATION_NAME,
  dropTenantSchema,
  listTenantTables,
  provisionTenantSchema,
  readIssuer,
  readSchemaVersion,
  roleNameFor,
  schemaNameFor,
  type TenantSchemaOrm,
} from '../index.ts';
import { TenantTestDatabase } from './helpers/tenant-test-database.ts';

const SPEC_TABLES = [
  'customers',
  'dte_config',
  'economic_activities',
  'invoice_lines',
  'invoices',
  'issuer',
  'locations',
  'mikro_orm_migrations',
  'products',
  'users',
];

describe('provisionTenantSchema', () => {
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm;

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    orm = await db.orm();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('creates the schema with every table, the role and the seed rows', async () => {
    const tenant = db.tenant();
    const result = await provisionTenantSchema(orm, tenant);

    expect(result).toEqual({
      schemaName: schemaNameFor(tenant.id),
      roleName: roleNameFor(tenant.id),
      schemaVersion: LATEST_TENANT_MIGRATION,
      appliedMigrations: tenantMigrations.map((m) => m.name),
      durationMs: expect.any(Number),
      created: true,
      fromSpare: false,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(await listTenantTables(orm, tenant.id)).toEqual(SPEC_TABLES);
    expect(await readSchemaVersion(orm, tenant.id)).toBe(LATEST_TENANT_MIGRATION);

    const [role] = await db.query<{ rolcanlogin: boolean; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      'select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = $1',
      [result.roleName],
    );
    expect(role).toEqual({ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false });

    expect(await readIssuer(orm, tenant.id)).toEqual({
      rut: tenant.rut,
      razon_social: tenant.name,
      giro: tenant.giro,
      address: tenant.address,
      commune: tenant.commune,
      city: tenant.city,
      source_version: tenant.version,
      updated_at: expect.any(Date),
      economic_activities: tenant.economic_activities,
    });
    const schema = `"${result.schemaName}"`;
    expect(await db.query(`select environment, resolution_number, resolution_date from ${schema}.dte_config`)).toEqual([
      { environment: 'certification', resolution_number: null, resolution_date: null },
    ]);
    expect(await db.query(`select name, address, commune, city, is_main from ${schema}.locations`)).toEqual([
      { name: MAIN_LOCATION_NAME, address: tenant.address, commune: tenant.commune, city: tenant.city, is_main: true },
    ]);
    // The tracking table lives in the tenant schema and nowhere else.
    expect(await db.query(`select table_schema from information_schema.tables where table_name = 'mikro_orm_migrations'`)).toEqual([
      { table_schema: result.schemaName },
    ]);
  });

  it('has no foreign key that leaves the tenant schema', async () => {
    const tenant = db.tenant();
    const { schemaName } = await provisionTenantSchema(orm, tenant);
    const keys = await db.query<{ from_schema: string; to_schema: string }>(
      `select cn.nspname as from_schema, tn.nspname as to_schema
         from pg_constraint c
         join pg_class fc on fc.oid = c.conrelid join pg_namespace cn on cn.oid = fc.relnamespace
         join pg_class tc on tc.oid = c.confrelid join pg_namespace tn on tn.oid = tc.relnamespace
        where c.contype = 'f' and cn.nspname = $1`,
      [schemaName],
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys.map((k) => k.to_schema))).toEqual(new Set([schemaName]));
  });

  it('is idempotent: a second run creates nothing, applies nothing and keeps newer issuer data', async () => {
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant);
    const schema = `"${schemaNameFor(tenant.id)}"`;
    // Simulates dte-sync having moved the issuer on since provisioning.
    await db.query(`update ${schema}.issuer set razon_social = 'Renamed SpA', source_version = 9`);

    const again = await provisionTenantSchema(orm, { ...tenant, name: 'Old Name From Redelivery', version: 2 });

    expect(again).toMatchObject({ created: false, appliedMigrations: [], schemaVersion: LATEST_TENANT_MIGRATION });
    expect(await readIssuer(orm, tenant.id)).toMatchObject({ razon_social: 'Renamed SpA', source_version: 9 });
    expect(await db.query(`select count(*)::int as n from ${schema}.locations`)).toEqual([{ n: 1 }]);
    expect(await db.query(`select count(*)::int as n from ${schema}.economic_activities`)).toEqual([{ n: 2 }]);
    expect(await db.query(`select count(*)::int as n from ${schema}.mikro_orm_migrations`)).toEqual([{ n: tenantMigrations.length }]);
    expect(await listTenantTables(orm, tenant.id)).toEqual(SPEC_TABLES);
  });

  it('applies only pending migrations to an existing schema', async () => {
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant);
    const { Migration } = await import('@mikro-orm/migrations');
    class Migration20991231000000_add_notes extends Migration {
      override up(): void {
        this.addSql('create table notes (id integer generated by default as identity primary key, body text not null)');
      }
    }
    const next = [...tenantMigrations, { name: 'Migration20991231000000_add_notes', class: Migration20991231000000_add_notes }];

    const result = await provisionTenantSchema(orm, tenant, { migrations: next });

    expect(result).toMatchObject({
      created: false,
      appliedMigrations: ['Migration20991231000000_add_notes'],
      schemaVersion: 'Migration20991231000000_add_notes',
    });
    expect(await listTenantTables(orm, tenant.id)).toContain('notes');
    // The tenant role can use a table that a later migration created.
    const client = await db.connectAs(roleNameFor(tenant.id));
    try {
      await client.query(`insert into notes (body) values ('hola')`);
      expect((await client.query('select body from notes')).rows).toEqual([{ body: 'hola' }]);
    } finally {
      await client.end();
    }
  });

  it('ends with one complete schema when two provisioners race on the same tenant', async () => {
    const tenant = db.tenant();
    const other = await db.orm();

    const results = await Promise.all([
      provisionTenantSchema(orm, tenant),
      provisionTenantSchema(other, tenant),
      provisionTenantSchema(orm, tenant),
    ]);

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.every((r) => r.schemaVersion === LATEST_TENANT_MIGRATION)).toBe(true);
    expect(await listTenantTables(orm, tenant.id)).toEqual(SPEC_TABLES);
    const schema = `"${schemaNameFor(tenant.id)}"`;
    expect(await db.query(`select count(*)::int as n from ${schema}.issuer`)).toEqual([{ n: 1 }]);
    expect(await db.query(`select count(*)::int as n from ${schema}.locations`)).toEqual([{ n: 1 }]);
    expect(await db.query(`select count(*)::int as n from ${schema}.mikro_orm_migrations`)).toEqual([{ n: tenantMigrations.length }]);
  });

  it('rejects a hostile tenant id before touching the database', async () => {
    const tenant = db.tenant();
    await expect(provisionTenantSchema(orm, { ...tenant, id: `${tenant.id}"; drop schema public cascade; --` })).rejects.toMatchObject({
      code: 'TNT_ERR_INVALID_TENANT_ID',
    });
    expect(await db.query(`select nspname from pg_namespace where nspname = 'public'`)).toHaveLength(1);
  });

  it('rejects unusable tenant data with the field named and no schema left', async () => {
    const tenant = db.tenant({
      economic_activities: [{ code: '12AB', name: 'x', category: '3ra' as '1ra', taxable: true }],
    });
    await expect(provisionTenantSchema(orm, tenant)).rejects.toMatchObject({
      code: 'TNT_ERR_INVALID_TENANT_INPUT',
      message: expect.stringMatching(/economic_activities\[0\]\.code.*economic_activities\[0\]\.category/),
    });
    expect(await listTenantTables(orm, tenant.id)).toEqual([]);
  });

  it('dropTenantSchema removes the schema and the role', async () => {
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant);

    expect(await dropTenantSchema(orm, tenant.id)).toEqual({ schemaDropped: true, roleDropped: true });
    expect(await listTenantTables(orm, tenant.id)).toEqual([]);
    expect(await db.query('select 1 from pg_roles where rolname = $1', [roleNameFor(tenant.id)])).toEqual([]);
    expect(await dropTenantSchema(orm, tenant.id)).toEqual({ schemaDropped: false, roleDropped: false });
  });
});
