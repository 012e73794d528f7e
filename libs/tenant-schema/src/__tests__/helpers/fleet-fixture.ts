import { createControlOrm, migrateControlSchema, readSchemaLedger, recordSchemaVersion, recordSchemaVersions, type ControlOrm } from '@tenantry/control-db';
import { LATEST_TENANT_MIGRATION } from '@tenantry/tenant-migrations';
import { bounded, createTestDatabase, type TestDatabase } from '@tenantry/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createTenantSchemaOrm, provisionTenantSchema, schemaNameFor, type FleetLedger, type TenantSchemaOrm } from '../../index.ts';

export const CONTROL_SCHEMA = 'control';

export interface Fleet {
  db: TestDatabase;
  control: ControlOrm;
  tenants: TenantSchemaOrm;
  tenantIds: string[];
  /** The control ledger written one tenant at a time (`record` only). */
  ledger: FleetLedger;
  /** The same ledger with `recordMany`, as the CLI wires it: migrate up then writes it in batches. */
  batchedLedger: FleetLedger;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Adds `count` provisioned tenants (schema, role, ledger row `active`), by default on this
   * database (`main`); with `on`, on another tenant database (its ORM and registry name).
   */
  provision(count: number, on?: { orm: TenantSchemaOrm; database: string }): Promise<string[]>;
  /** Pools closed and the database dropped, bounded (never fails the suite, see TestDatabase.drop). */
  close(): Promise<void>;
}

/** `count` new tenants provisioned for real through `orm`, 4 at a time. */
export async function provisionSchemas(orm: TenantSchemaOrm, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uuidv7());
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      await provisionTenantSchema(orm, { id, name: `Fleet tenant ${id.slice(-8)}`, rut: null, giro: null, address: null, commune: null, city: null, economic_activities: [], version: 1 });
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  return ids;
}

/**
 * A database of its own with the control schema and `size` tenants provisioned for real
 * (`provisionTenantSchema`, 4 at a time). Ledger rows are inserted in one statement as `active`
 * with the schema version the provisioner reported: the state `tenant-api` leaves them in.
 */
export async function createFleet(size: number): Promise<Fleet> {
  const db = await createTestDatabase('tenantry_fleet');
  const control = await createControlOrm({ databaseUrl: db.url, controlSchema: CONTROL_SCHEMA, poolMax: 6 });
  await migrateControlSchema(control, CONTROL_SCHEMA);
  const tenants = await createTenantSchemaOrm({ databaseUrl: db.url, poolMax: 4 });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const tenantIds: string[] = [];

  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<R>(sql, params)).rows;

  const provision = async (count: number, on?: { orm: TenantSchemaOrm; database: string }) => {
    const ids = await provisionSchemas(on?.orm ?? tenants, count);
    await query(
      `insert into ${CONTROL_SCHEMA}.tenants (id, name, slug, business_type, status, schema_name, schema_version, country_code, billing_day,
                                  economic_activities, plan_id, settings, version, created_at, updated_at, database)
       select id, 'Fleet tenant ' || right(id::text, 8), 'fleet-' || replace(id::text, '-', ''), 'other', 'active', $2 || replace(id::text, '-', ''), $3,
              'CL', 1, '[]', 'free', '{"default_currency":"CLP","timezone":"America/Santiago"}', 2,
              now() + n * interval '1 millisecond', now() + n * interval '1 millisecond', $4
         from unnest($1::uuid[]) with ordinality as t(id, n)`,
      [ids, 'tenant_', LATEST_TENANT_MIGRATION, on?.database ?? 'main'],
    );
    tenantIds.push(...ids);
    return ids;
  };

  await provision(size);
  return {
    db,
    control,
    tenants,
    tenantIds,
    ledger: { read: () => readSchemaLedger(control), record: (id, version) => recordSchemaVersion(control, id, version) },
    batchedLedger: {
      read: () => readSchemaLedger(control),
      record: (id, version) => recordSchemaVersion(control, id, version),
      recordMany: async (entries) => (await recordSchemaVersions(control, entries)).map((outcome) => ('error' in outcome ? outcome.error : null)),
    },
    query,
    provision,
    async close() {
      // Bounded: a loaded machine once made this cleanup outlast its hook and fail a green run.
      await bounded('closing the fleet pools', 10_000, Promise.allSettled([control.close(true), tenants.close(true), pool.end()]));
      await db.drop({ timeoutMs: 40_000 });
    },
  };
}

export { schemaNameFor };
