import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { changeTenantStatus, requestTenantPurge, subjectKeyReader } from '@tenantry/control-db';
import { createLogger } from '@tenantry/logger';
import { openEvent, type TenantEvent } from '@tenantry/tenant-events';
import { tenantMigrations } from '@tenantry/tenant-migrations';
import { createMoveFixture, MOVE_FIXTURE_SCHEMA, type MoveFixture } from '@tenantry/tenant-moves/testing';
import { runTenantPurge } from '@tenantry/tenant-purges';
import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { exportTenant, importTenant, type TenantArchiveDeps } from '../index.ts';

/** A tenant migration newer than the archive's: what an installation upgraded since the export has. */
class Migration20991231000000_archive_probe extends Migration {
  override up(): void {
    this.addSql(`alter table invoices add column archive_probe text null`);
  }
}
const NEWER = [...tenantMigrations, { name: 'Migration20991231000000_archive_probe', class: Migration20991231000000_archive_probe }];

// Two servers of the test's own (a and b, registered as tenant databases), the control schema on
// the shared one. The archive is the only path between them.
let fixture: MoveFixture;
let deps: TenantArchiveDeps;
let work: string;

beforeAll(async () => {
  const logger = createLogger({ name: 'archive-test', level: 'silent' });
  fixture = await createMoveFixture(logger);
  deps = { orm: fixture.orm, databases: fixture.databases, logger };
  work = await mkdtemp(join(tmpdir(), 'tenantry-archive-test-'));
}, 120_000);

afterAll(async () => {
  await fixture?.release();
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

const schemaOn = async (name: 'a' | 'b', schema: string) => ((await (await fixture.connect(name)).query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount ?? 0) > 0;
/** The real purge, forced: deactivated, journalled, schema and role dropped, tombstone, key destroyed. */
async function purge(id: string): Promise<void> {
  await changeTenantStatus(fixture.orm, id, 'deactivate');
  await requestTenantPurge(fixture.orm, id, { force: true, purgeAfterDays: 30, requestedBy: null });
  expect(await runTenantPurge(deps, id)).toMatchObject({ state: 'done' });
}

/** The tenant's names through its history, each event opened with the keys of the control schema. */
async function namesInHistory(id: string): Promise<[string, unknown][]> {
  const { rows } = await fixture.controlPool.query<{ event: TenantEvent }>(`select event from ${MOVE_FIXTURE_SCHEMA}.tenant_events where tenant_id = $1 order by tenant_version`, [id]);
  const keys = subjectKeyReader(fixture.controlPool, MOVE_FIXTURE_SCHEMA);
  return Promise.all(rows.map(async ({ event }) => [event.type, ((await openEvent(event, keys)).data as { tenant: { name: unknown } }).tenant.name] as [string, unknown]));
}

const placement = async (id: string) =>
  (await fixture.controlPool.query<{ database: string; schema_version: string }>(`select database, schema_version from ${MOVE_FIXTURE_SCHEMA}.tenants where id = $1`, [id])).rows[0];

it('imports onto the tenant database --database names, on another server, and migrates an older schema up', async () => {
  const tenant = await fixture.activeTenantOnA('archive-placement', 1_000);
  const file = join(work, 'placement.tar');
  const exported = await exportTenant(deps, tenant.id, file);
  expect(exported.manifest).toMatchObject({ database: 'a', schema_version: tenantMigrations[tenantMigrations.length - 1].name });
  expect(exported.manifest.row_counts.invoices).toBe(1_000);

  // A clone on b, with this installation one migration ahead of the archive.
  const clone = await importTenant(deps, file, { asNew: true, database: 'b', migrations: NEWER });
  expect(clone.migrated).toEqual(['Migration20991231000000_archive_probe']);
  expect(clone.tenant.database).toBe('b');
  const cloneSchema = schemaNameFor(clone.tenant.id);
  expect(await placement(clone.tenant.id)).toEqual({ database: 'b', schema_version: 'Migration20991231000000_archive_probe' });
  expect([await schemaOn('a', cloneSchema), await schemaOn('b', cloneSchema)]).toEqual([false, true]);
  const b = await fixture.connect('b');
  expect((await b.query(`select count(archive_probe)::int as probes, count(*)::int as invoices from ${cloneSchema}.invoices`)).rows[0]).toEqual({ probes: 0, invoices: 1_000 });
  expect((await b.query('select rolcanlogin from pg_roles where rolname = $1', [roleNameFor(clone.tenant.id)])).rows[0]).toEqual({ rolcanlogin: true });

  // The same tenant, purged from a, comes back under its own id on b: a new life, its history
  // (sealed in the log with the key the purge destroyed) readable again, its new events too.
  await purge(tenant.id);
  expect(await namesInHistory(tenant.id)).toEqual([['TenantCreated', null], ['TenantProvisioned', null], ['TenantDeactivated', null], ['TenantPurged', null]]);
  const restored = await importTenant(deps, file, { database: 'b' });
  expect(restored.tenant).toMatchObject({ id: tenant.id, database: 'b', status: 'active' });
  expect([await schemaOn('a', schemaNameFor(tenant.id)), await schemaOn('b', schemaNameFor(tenant.id))]).toEqual([false, true]);
  expect(await fixture.countInvoices('b', schemaNameFor(tenant.id))).toBe(1_000);
  const name = 'Tenant archive-placement';
  expect(await namesInHistory(tenant.id)).toEqual([
    ['TenantCreated', name], ['TenantProvisioned', name], ['TenantDeactivated', null], ['TenantPurged', null], ['TenantCreated', name], ['TenantProvisioned', name],
  ]);
  // Purged again, it goes the whole way again (the former life's journal does not answer for it).
  await purge(tenant.id);
  expect(await schemaOn('b', schemaNameFor(tenant.id))).toBe(false);
  expect((await namesInHistory(tenant.id)).every(([, opened]) => opened === null)).toBe(true);
}, 120_000);

it('refuses a database that is not an open tenant database before restoring anything', async () => {
  const tenant = await fixture.activeTenantOnA('archive-refused', 10);
  const file = join(work, 'refused.tar');
  await exportTenant(deps, tenant.id, file);
  await expect(importTenant(deps, file, { asNew: true, database: 'nowhere' })).rejects.toMatchObject({ code: 'TNT_ERR_DATABASE_UNKNOWN' });
  await expect(importTenant(deps, file, { asNew: true, database: 'main' })).rejects.toMatchObject({ code: 'TNT_ERR_DATABASE_DRAINING' });
  const { rows } = await fixture.controlPool.query(`select count(*)::int as tenants from ${MOVE_FIXTURE_SCHEMA}.tenants where slug like 'archive-refused%'`);
  expect(rows[0]).toEqual({ tenants: 1 });
}, 60_000);
