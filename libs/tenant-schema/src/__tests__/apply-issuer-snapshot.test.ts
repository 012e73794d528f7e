import { applyIssuerSnapshot, provisionTenantSchema, readIssuer, schemaNameFor, type TenantSchemaOrm } from '../index.ts';
import { TenantTestDatabase } from './helpers/tenant-test-database.ts';

describe('applyIssuerSnapshot', () => {
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm;

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    orm = await db.orm();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('applies a newer version: issuer fields, activities replaced, main location moved', async () => {
    const tenant = db.tenant({ version: 2 });
    await provisionTenantSchema(orm, tenant);
    const updated = {
      ...tenant,
      name: 'Comercial Los Andes Limitada',
      giro: 'Consultoría',
      address: 'Calle Nueva 99',
      commune: 'Ñuñoa',
      city: 'Santiago',
      economic_activities: [{ code: '702000', name: 'Consultoría de gestión', category: '2da' as const, taxable: false }],
      version: 5,
    };

    await expect(applyIssuerSnapshot(orm, updated, 5)).resolves.toBe('applied');

    expect(await readIssuer(orm, tenant.id)).toEqual({
      rut: tenant.rut,
      razon_social: 'Comercial Los Andes Limitada',
      giro: 'Consultoría',
      address: 'Calle Nueva 99',
      commune: 'Ñuñoa',
      city: 'Santiago',
      source_version: 5,
      updated_at: expect.any(Date),
      economic_activities: updated.economic_activities,
    });
    expect(await db.query(`select address, commune, city from "${schemaNameFor(tenant.id)}".locations where is_main`)).toEqual([
      { address: 'Calle Nueva 99', commune: 'Ñuñoa', city: 'Santiago' },
    ]);
  });

  it('reports stale for the same or an older version and changes nothing', async () => {
    const tenant = db.tenant({ version: 4 });
    await provisionTenantSchema(orm, tenant);
    const before = await readIssuer(orm, tenant.id);

    await expect(applyIssuerSnapshot(orm, { ...tenant, name: 'Same Version SpA' }, 4)).resolves.toBe('stale');
    await expect(applyIssuerSnapshot(orm, { ...tenant, name: 'Older Version SpA', economic_activities: [] }, 3)).resolves.toBe('stale');

    expect(await readIssuer(orm, tenant.id)).toEqual(before);
  });

  it('applies only the newest of out-of-order, duplicated deliveries', async () => {
    const tenant = db.tenant({ version: 1 });
    await provisionTenantSchema(orm, tenant);
    const versions = [3, 2, 3, 5, 4, 5];
    const outcomes = await Promise.all(versions.map((v) => applyIssuerSnapshot(orm, { ...tenant, name: `Version ${v} SpA`, version: v }, v)));

    expect(outcomes).toContain('applied');
    expect(await readIssuer(orm, tenant.id)).toMatchObject({ razon_social: 'Version 5 SpA', source_version: 5 });
  });

  it('reports no-schema, without throwing, for a tenant not provisioned yet', async () => {
    const tenant = db.tenant();
    await expect(applyIssuerSnapshot(orm, tenant, 7)).resolves.toBe('no-schema');
    expect(await readIssuer(orm, tenant.id)).toBeNull();
  });

  it('rejects a tenantversion that is not a positive integer', async () => {
    const tenant = db.tenant();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(applyIssuerSnapshot(orm, tenant, bad)).rejects.toMatchObject({ code: 'TNT_ERR_INVALID_TENANT_INPUT' });
    }
  });
});
