import pg from 'pg';
import { quoteIdentifier } from '@tenantry/sql';
import { v7 as uuidv7 } from 'uuid';
import { createControlOrm, migrateControlSchema } from '@tenantry/control-db';
import { LATEST_TENANT_MIGRATION, tenantMigrations } from '@tenantry/tenant-migrations';
import { schemaNameFor } from '@tenantry/tenant-schema';
import { inLanes } from './context.ts';
import { floorSchemaScript, migrationSql } from './floor-schema.ts';

const TRACKING_TABLE = `create table mikro_orm_migrations (id serial primary key, name varchar(255), executed_at timestamptz default current_timestamp)`;

/**
 * One schema of the slim fixture: the `users` table exactly as the tenant migrations create it
 * (the table the benchmark migration alters) plus the migration bookkeeping saying every shipped
 * migration ran. The full fixture (`full`) builds every table instead.
 */
export function fixtureSchemaScript(schemaName: string, full: boolean): string {
  if (full) return floorSchemaScript(schemaName);
  const usersSql = migrationSql().filter((sql) => {
    const normalized = sql.trim().replace(/\s+/g, ' ');
    return normalized.startsWith('create table users (') || /^create unique index \w+ on users /.test(normalized);
  });
  if (usersSql.length < 2) throw new Error('the tenant migrations no longer create a `users` table with its unique index; update tools/bench/fleet-fixture.ts');
  const names = tenantMigrations.map((m) => `('${m.name}')`).join(', ');
  return [`create schema ${quoteIdentifier(schemaName)}`, `set local search_path to ${quoteIdentifier(schemaName)}`, ...usersSql, TRACKING_TABLE, `insert into mikro_orm_migrations (name) values ${names}`].join(';\n');
}

/**
 * Builds `count` tenant schemas and their control-ledger rows (status active, schema_version the
 * latest shipped migration: the state tenant-api leaves a provisioned tenant in). Schemas are
 * built 50 to a transaction over 2 sessions: the fixture is not what is measured.
 */
export async function buildFleet(databaseUrl: string, count: number, full: boolean, onProgress?: (done: number) => void): Promise<string[]> {
  await buildControlSchema(databaseUrl);
  const ids = Array.from({ length: count }, () => uuidv7());
  await buildTenantSchemas(databaseUrl, ids, full, onProgress);
  await insertLedgerRows(databaseUrl, ids, 'main');
  return ids;
}

/** The control schema, migrated, in the given (control) database. */
export async function buildControlSchema(databaseUrl: string): Promise<void> {
  const control = await createControlOrm({ databaseUrl, controlSchema: 'control', poolMax: 2 });
  try {
    await migrateControlSchema(control, 'control');
  } finally {
    await control.close(true);
  }
}

/** The fixture schemas of `ids` in a tenant database, 50 to a transaction over 2 sessions, then ANALYZE. */
export async function buildTenantSchemas(databaseUrl: string, ids: readonly string[], full: boolean, onProgress?: (done: number) => void): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += 50) batches.push(ids.slice(i, i + 50));
  const clients = await Promise.all([0, 1].map(async () => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'tenantry-bench-fixture' });
    await client.connect();
    return client;
  }));
  let done = 0;
  let lane = 0;
  try {
    await inLanes(batches, 2, async (batch) => {
      const client = clients[lane++ % 2];
      const script = batch.map((id) => fixtureSchemaScript(schemaNameFor(id), full)).join(';\n');
      await client.query(`begin;\n${script};\ncommit`);
      done += batch.length;
      onProgress?.(done);
    });
    await clients[0].query('analyze');
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

/** The control-ledger rows of `ids` (placed on `database`), oldest first in the given order. */
export async function insertLedgerRows(controlUrl: string, ids: readonly string[], database: string): Promise<void> {
  const client = new pg.Client({ connectionString: controlUrl, application_name: 'tenantry-bench-fixture' });
  await client.connect();
  try {
    await client.query(
      `insert into control.tenants (id, name, slug, business_type, status, schema_name, schema_version, country_code, billing_day,
                                    economic_activities, plan_id, settings, version, created_at, updated_at, database)
       select id, 'Fleet tenant ' || replace(id::text, '-', ''), 'fleet-tenant-' || replace(id::text, '-', ''), 'other', 'active', 'tenant_' || replace(id::text, '-', ''), $2,
              'CL', 1, '[]', 'free', '{"default_currency":"CLP","timezone":"America/Santiago"}', 2, now(), now(), $3
         from unnest($1::uuid[]) as t(id)`,
      [ids, LATEST_TENANT_MIGRATION, database],
    );
    await client.query('analyze control.tenants');
  } finally {
    await client.end();
  }
}
