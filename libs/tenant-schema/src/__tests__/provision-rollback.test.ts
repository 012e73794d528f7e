import { Migration } from '@mikro-orm/migrations';
import { LATEST_TENANT_MIGRATION, tenantMigrations } from '@tenantry/tenant-migrations';
import {
  TenantSchemaError,
  listTenantTables,
  provisionTenantSchema,
  readIssuer,
  readSchemaVersion,
  roleNameFor,
  schemaNameFor,
  type TenantSchemaOrm,
} from '../index.ts';
import { TenantTestDatabase } from './helpers/tenant-test-database.ts';

/** Gets halfway (a table exists) and then fails on the database side. */
class Migration20991231000001_broken_sql extends Migration {
  override up(): void {
    this.addSql('create table half_done (id integer primary key)');
    this.addSql(`insert into half_done (id) values (1)`);
    this.addSql('alter table table_that_does_not_exist add column nope text');
  }
}

/** Runs some SQL, then throws in JavaScript while building the next statements. */
class Migration20991231000002_broken_code extends Migration {
  override async up(): Promise<void> {
    await this.execute('create table also_half_done (id integer primary key)');
    throw new Error('migration bug: unexpected data');
  }
}

const brokenSql = [...tenantMigrations, { name: 'Migration20991231000001_broken_sql', class: Migration20991231000001_broken_sql }];
const brokenCode = [...tenantMigrations, { name: 'Migration20991231000002_broken_code', class: Migration20991231000002_broken_code }];

describe('provisionTenantSchema when a migration fails', () => {
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm;

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    orm = await db.orm();
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function expectNothingLeft(tenantId: string): Promise<void> {
    expect(await db.query('select nspname from pg_namespace where nspname = $1', [schemaNameFor(tenantId)])).toEqual([]);
    expect(await db.query('select rolname from pg_roles where rolname = $1', [roleNameFor(tenantId)])).toEqual([]);
    expect(await listTenantTables(orm, tenantId)).toEqual([]);
    // Nothing escaped into the default schema either.
    expect(await db.query(`select tablename from pg_tables where schemaname = 'public'`)).toEqual([]);
  }

  it.each([
    ['an SQL error', brokenSql, 'Migration20991231000001_broken_sql', /table_that_does_not_exist/],
    ['an exception in up()', brokenCode, 'Migration20991231000002_broken_code', /migration bug/],
  ])('leaves no schema and no role after %s, and a retry in the same process succeeds', async (_label, migrations, failing, reason) => {
    const tenant = db.tenant();

    const failure = await provisionTenantSchema(orm, tenant, { migrations }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TenantSchemaError);
    expect(failure).toMatchObject({ code: 'TNT_ERR_PROVISIONING_FAILED', retriable: true });
    expect((failure as Error).message).toContain(failing);
    expect((failure as Error).message).toMatch(reason);
    await expectNothingLeft(tenant.id);

    // Same process, same ORM: the tracking-table cache of a reused migrator would break this retry.
    const retry = await provisionTenantSchema(orm, tenant);

    expect(retry).toMatchObject({ created: true, schemaVersion: LATEST_TENANT_MIGRATION });
    expect(await readIssuer(orm, tenant.id)).toMatchObject({ razon_social: tenant.name, source_version: tenant.version });
    expect(await listTenantTables(orm, tenant.id)).not.toContain('half_done');
  });

  it('survives several failed attempts in a row before the good one', async () => {
    const tenant = db.tenant();
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(provisionTenantSchema(orm, tenant, { migrations: attempt % 2 ? brokenCode : brokenSql })).rejects.toThrow(TenantSchemaError);
      await expectNothingLeft(tenant.id);
    }
    await expect(provisionTenantSchema(orm, tenant)).resolves.toMatchObject({ created: true });
  });

  it('keeps an existing schema intact at its old version when a new migration fails', async () => {
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant);
    const schema = `"${schemaNameFor(tenant.id)}"`;
    await db.query(`insert into ${schema}.products (sku, name, unit_price) values ('SKU-1', 'Licencia', 9990)`);

    await expect(provisionTenantSchema(orm, tenant, { migrations: brokenSql })).rejects.toMatchObject({
      code: 'TNT_ERR_PROVISIONING_FAILED',
    });

    expect(await readSchemaVersion(orm, tenant.id)).toBe(LATEST_TENANT_MIGRATION);
    expect(await listTenantTables(orm, tenant.id)).not.toContain('half_done');
    expect(await db.query(`select sku from ${schema}.products`)).toEqual([{ sku: 'SKU-1' }]);
    expect(await db.query('select rolname from pg_roles where rolname = $1', [roleNameFor(tenant.id)])).toHaveLength(1);
  });
});
