import { TENANT_SCHEMA_NAME_PATTERN } from '@tenantry/tenant-events';
import { qualifiedName } from '../schema/index.ts';
import type { RecyclingClient } from './recycling-client.ts';
import { SQLSTATE, sqlStateOf } from '../schema/index.ts';

/** A `tenant_<32 hex>` schema found in the catalog, and whether it has a migration tracking table. */
export interface CatalogSchema {
  schemaName: string;
  tracked: boolean;
}


/** Every tenant schema in the database: one query over pg_namespace/pg_class, no table is opened. */
export async function readTenantCatalog(client: RecyclingClient): Promise<CatalogSchema[]> {
  return client.query<CatalogSchema>(
    `select n.nspname as "schemaName",
            exists (select 1 from pg_class c
                     where c.relnamespace = n.oid and c.relname = 'mikro_orm_migrations' and c.relkind in ('r', 'p')) as tracked
       from pg_namespace n
      where n.nspname ~ $1
      order by n.nspname`,
    [TENANT_SCHEMA_NAME_PATTERN],
  );
}

/**
 * The applied migration names (oldest first) of each given schema, read `batchSize` schemas per
 * query with UNION ALL, the batches spread over `clients` (one query in flight on each). A schema
 * dropped since the catalog was read fails its batch; that batch is then read one schema at a
 * time and the vanished schema is left out of the result.
 */
export async function readAppliedMigrations(
  clients: readonly RecyclingClient[],
  schemaNames: readonly string[],
  batchSize: number,
): Promise<Map<string, string[]>> {
  const applied = new Map<string, string[]>();
  const batches: string[][] = [];
  for (let start = 0; start < schemaNames.length; start += batchSize) batches.push(schemaNames.slice(start, start + batchSize));
  let next = 0;
  const lane = async (client: RecyclingClient) => {
    while (next < batches.length) {
      const batch = batches[next++];
      for (const [schema, names] of await readBatchSurvivingDrops(client, batch)) applied.set(schema, names);
    }
  };
  await Promise.all(clients.slice(0, Math.max(1, batches.length)).map(lane));
  return applied;
}

async function readBatchSurvivingDrops(client: RecyclingClient, batch: readonly string[]): Promise<[string, string[]][]> {
  try {
    return await readBatch(client, batch);
  } catch (error) {
    if (!isVanished(error)) throw error;
  }
  const rows: [string, string[]][] = [];
  for (const schema of batch) {
    try {
      rows.push(...(await readBatch(client, [schema])));
    } catch (error) {
      if (!isVanished(error)) throw error;
    }
  }
  return rows;
}

async function readBatch(client: RecyclingClient, batch: readonly string[]): Promise<[string, string[]][]> {
  const sql = batch
    .map(
      (schema, i) =>
        `select $${i + 1}::text as schema_name, coalesce(array_agg(name::text order by id), '{}') as names from ${qualifiedName(schema, 'mikro_orm_migrations')}`,
    )
    .join('\nunion all\n');
  const rows = await client.query<{ schema_name: string; names: string[] }>(sql, [...batch], batch.length);
  return rows.map((row) => [row.schema_name, row.names]);
}

function isVanished(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === SQLSTATE.UNDEFINED_TABLE || state === SQLSTATE.INVALID_SCHEMA_NAME;
}
