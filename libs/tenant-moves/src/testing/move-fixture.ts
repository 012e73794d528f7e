import {
  createControlOrm,
  createTenant,
  createUser,
  migrateControlSchema,
  recordProvisioningOutcome,
  registerTenantDatabase,
  setTenantDatabaseStatus,
  type ControlOrm,
} from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import { openTenantDatabases, type TenantDatabases } from '@tenantry/tenant-databases';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import { provisionTenantSchema, schemaNameFor } from '@tenantry/tenant-schema';
import { createPostgresCluster, createTestDatabase, type PostgresCluster, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';

export const MOVE_FIXTURE_SCHEMA = 'control';

/**
 * What a move test stands on: a control schema in a fresh database on the shared server (main,
 * drained) and tenant databases `a` and `b`, each a fresh database on a server of the test's own
 * with wal_level=logical.
 */
export interface MoveFixture {
  control: TestDatabase;
  orm: ControlOrm;
  controlPool: pg.Pool;
  databases: TenantDatabases;
  /** Superuser URL of tenant database `name`. */
  url(name: 'a' | 'b'): string;
  /** The one plain client as superuser on database `name`, made on first use (closed by release()). */
  connect(name: 'a' | 'b' | 'control'): Promise<pg.Client>;
  /** An active tenant with its schema on `a`, and `rows` invoices in it. */
  activeTenantOnA(slug: string, rows?: number): Promise<TenantSnapshot>;
  countInvoices(name: 'a' | 'b', schema: string): Promise<number>;
  release(): Promise<void>;
}

function fields(name: string, slug: string) {
  return {
    name, slug, description: null, business_type: 'other', rut: null, address: 'Av. Uno 1', commune: 'Santiago', city: 'Santiago',
    post_code: null, country_code: 'CL', giro: 'Software', billing_day: 1, economic_activities: [], plan_id: 'free',
    user_limit: null, group_id: null, settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
  };
}

export async function createMoveFixture(logger?: Logger): Promise<MoveFixture> {
  const control = await createTestDatabase('tenantry_moves');
  const orm = await createControlOrm({ databaseUrl: control.url, controlSchema: MOVE_FIXTURE_SCHEMA });
  await migrateControlSchema(orm, MOVE_FIXTURE_SCHEMA);
  const controlPool = new pg.Pool({ connectionString: control.url, max: 2 });
  const clusters: PostgresCluster[] = [];
  const tenantDatabases = new Map<string, TestDatabase>();
  // One client per database, reused: tests poll through it, and a client per call ran a server of
  // ours out of connections (100) while a slow catch-up was polled every 50 ms.
  const clients = new Map<string, Promise<pg.Client>>();
  for (const name of ['a', 'b'] as const) {
    const cluster = await createPostgresCluster({ settings: { wal_level: 'logical' } });
    clusters.push(cluster);
    const db = await createTestDatabase(`tenantry_moves_${name}`, cluster.adminUrl);
    tenantDatabases.set(name, db);
    await registerTenantDatabase(controlPool, MOVE_FIXTURE_SCHEMA, { name, url: db.url });
  }
  await setTenantDatabaseStatus(controlPool, MOVE_FIXTURE_SCHEMA, 'main', 'draining');
  const databases = openTenantDatabases({ controlDatabaseUrl: control.url, controlSchema: MOVE_FIXTURE_SCHEMA, logger });

  const fixture: MoveFixture = {
    control,
    orm,
    controlPool,
    databases,
    url: (name) => tenantDatabases.get(name)!.url,
    connect(name) {
      let client = clients.get(name);
      if (!client) {
        const fresh = new pg.Client({ connectionString: name === 'control' ? control.url : fixture.url(name) });
        fresh.on('error', () => undefined);
        client = fresh.connect().then(() => fresh);
        clients.set(name, client);
      }
      return client;
    },
    async activeTenantOnA(slug, rows = 0) {
      const admin = await createUser(orm, { email: `${slug}@example.com` });
      await setTenantDatabaseStatus(controlPool, MOVE_FIXTURE_SCHEMA, 'b', 'draining');
      const tenant = await createTenant(orm, { fields: fields(`Tenant ${slug}`, slug), adminUserId: admin.id });
      await setTenantDatabaseStatus(controlPool, MOVE_FIXTURE_SCHEMA, 'b', 'open');
      const built = await databases.use('a', (tenantOrm) => provisionTenantSchema(tenantOrm, tenant, { roleLogin: true }));
      await recordProvisioningOutcome(orm, tenant.id, { ok: true, schemaVersion: built.schemaVersion });
      if (rows > 0) {
        const a = await fixture.connect('a');
        await a.query(`insert into ${schemaNameFor(tenant.id)}.invoices (document_type, folio) select 33, g from generate_series(1, $1) g`, [rows]);
      }
      return tenant;
    },
    async countInvoices(name, schema) {
      const client = await fixture.connect(name);
      return Number((await client.query(`select count(*) from ${schema}.invoices`)).rows[0].count);
    },
    async release() {
      for (const client of clients.values()) await (await client).end().catch(() => undefined);
      await databases.close();
      await controlPool.end();
      await orm.close(true);
      await control.drop();
      for (const cluster of clusters) await cluster.release().catch(() => undefined);
    },
  };
  return fixture;
}
