import { LATEST_TENANT_MIGRATION } from '@tenantry/tenant-migrations';
import { v7 as uuidv7 } from 'uuid';
import { dropTenantSchema, migrateFleet, provisionTenantSchema, readFleetStatus, schemaNameFor, type FleetStatus, type SchemaStatus } from '../index.ts';
import { FIXTURE_MIGRATIONS, runCli } from './helpers/fleet-cli.ts';
import { createFleet, type Fleet } from './helpers/fleet-fixture.ts';
import { SECOND_MIGRATION, tenantMigrations } from './helpers/fleet-migrations.ts';

describe('migrate status: versions, pending and drift', () => {
  let fleet: Fleet;
  let ids: string[];
  let orphanId: string;
  let unprovisionedId: string;

  beforeAll(async () => {
    fleet = await createFleet(6);
    ids = fleet.tenantIds;
    // ids[0]: migrated to the fixture (ledger recorded by migrate up).
    await migrateFleet({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations, tenantIds: [ids[0]], canary: 0 });
    // ids[1]: the ledger lost its version.
    await fleet.query('update control.tenants set schema_version = null where id = $1', [ids[1]]);
    // ids[2]: active tenant whose schema was dropped by hand.
    await dropTenantSchema(fleet.tenants, ids[2]);
    // A schema with no tenant row.
    orphanId = uuidv7();
    await provisionTenantSchema(fleet.tenants, { id: orphanId, name: 'Orphan tenant', rut: null, giro: null, address: null, commune: null, city: null, economic_activities: [], version: 1 });
    // A tenant still being set up: no schema yet, and none expected.
    unprovisionedId = uuidv7();
    await fleet.query(
      `insert into control.tenants (id, name, slug, business_type, status, schema_name, schema_version, country_code, billing_day,
                                    economic_activities, plan_id, settings, version, created_at, updated_at)
       values ($1, 'Pending tenant', 'pending-tenant', 'other', 'pending_setup', $2, null, 'CL', 1, '[]', 'free',
               '{"default_currency":"CLP","timezone":"America/Santiago"}', 1, now(), now())`,
      [unprovisionedId, schemaNameFor(unprovisionedId)],
    );
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  const byTenant = (status: FleetStatus, id: string) => status.schemas.find((s) => s.tenantId === id || s.schemaName === schemaNameFor(id))!;

  it('reports each schema against the migration list and the ledger', async () => {
    const status = await readFleetStatus({ databaseUrl: fleet.db.url, ledger: fleet.ledger, migrations: tenantMigrations });

    expect(byTenant(status, ids[0])).toMatchObject<Partial<SchemaStatus>>({
      state: 'up-to-date', appliedVersion: SECOND_MIGRATION, ledgerVersion: SECOND_MIGRATION, appliedCount: 2, pending: [], drift: [],
    });
    expect(byTenant(status, ids[1])).toMatchObject({ state: 'pending', appliedVersion: LATEST_TENANT_MIGRATION, ledgerVersion: null, pending: [SECOND_MIGRATION], drift: ['ledger-mismatch'] });
    expect(byTenant(status, ids[2])).toMatchObject({ state: 'missing', appliedVersion: null, ledgerVersion: LATEST_TENANT_MIGRATION, pending: [], drift: ['schema-missing'] });
    expect(byTenant(status, ids[3])).toMatchObject({ state: 'pending', pending: [SECOND_MIGRATION], drift: [] });
    expect(byTenant(status, orphanId)).toMatchObject({ tenantId: null, state: 'orphan', appliedVersion: LATEST_TENANT_MIGRATION, drift: ['orphan-schema'] });
    expect(byTenant(status, unprovisionedId)).toMatchObject({ tenantStatus: 'pending_setup', state: 'not-provisioned', pending: [], drift: [] });

    expect(status.summary).toEqual({
      tenants: 7,
      schemas: 6,
      upToDate: 1,
      pendingSchemas: 5, // ids[1], ids[3..5] and the orphan
      pendingMigrations: 5,
      notProvisioned: 1,
      drift: 3,
      driftByKind: { 'ledger-mismatch': 1, 'schema-missing': 1, 'orphan-schema': 1, 'unknown-migrations': 0, 'wrong-database': 0 },
      byVersion: { [LATEST_TENANT_MIGRATION]: 5, [SECOND_MIGRATION]: 1 },
      latest: SECOND_MIGRATION,
    });
  });

  it('flags migrations a schema holds that the running code does not know', async () => {
    const status = await readFleetStatus({ databaseUrl: fleet.db.url, ledger: fleet.ledger }); // shipped list only
    expect(byTenant(status, ids[0])).toMatchObject({ unknown: [SECOND_MIGRATION], pending: [], drift: ['unknown-migrations'] });
  });

  it('CLI: --json with exit 1 on drift, 3 when only migrations are pending, 0 when up to date', async () => {
    const fixture = ['--migrations-module', FIXTURE_MIGRATIONS];
    const all = await runCli(['migrate', 'status', '--json', ...fixture], fleet.db.url);
    expect(all.code).toBe(1);
    const status = JSON.parse(all.stdout) as FleetStatus;
    expect(status.summary.driftByKind).toEqual({ 'ledger-mismatch': 1, 'schema-missing': 1, 'orphan-schema': 1, 'unknown-migrations': 0, 'wrong-database': 0 });
    expect(status.schemas).toHaveLength(8);

    const pendingOnly = await runCli(['migrate', 'status', '--json', '--tenant', ids[4], ...fixture], fleet.db.url);
    expect(pendingOnly.code).toBe(3);
    expect((JSON.parse(pendingOnly.stdout) as FleetStatus).schemas.map((s) => [s.tenantId, s.state])).toEqual([[ids[4], 'pending']]);

    const upToDate = await runCli(['migrate', 'status', '--tenant', ids[0], ...fixture], fleet.db.url);
    expect(upToDate.code).toBe(0);
    expect(upToDate.stdout).toContain('1 tenants, 1 schemas: 1 up to date, 0 with pending migrations');

    const human = await runCli(['migrate', 'status', ...fixture], fleet.db.url);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`(${schemaNameFor(orphanId)})`);
    expect(human.stdout).toMatch(/3 drifting \(ledger-mismatch 1, schema-missing 1, orphan-schema 1\)/);
  }, 60_000);
});
