import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readSchemaVersionInClient, countTenantRowsIn } from './tenant-rows.ts';
import { TenantSchemaError } from '../errors.ts';
import { connectMove } from '../move/index.ts';
import { connectionFor, findPgBinDir } from '../move/index.ts';
import { schemaNameFor } from '../schema/index.ts';

export interface TenantSchemaDump {
  schemaName: string;
  /** Last tenant migration recorded in the schema, as the snapshot saw it. */
  schemaVersion: string | null;
  /** Rows of every table of the schema, counted in the dump's snapshot. */
  rowCounts: Record<string, number>;
}

/**
 * `pg_dump --schema=<tenant schema> -Fc` into `outFile`, taken in ONE snapshot while the tenant
 * keeps writing: a REPEATABLE READ transaction exports its snapshot, pg_dump reads through it
 * (`--snapshot`), and the row counts and schema version come from that same transaction, so the
 * manifest describes exactly what the dump holds (no half-committed transaction in either).
 */
export async function dumpTenantSchema(
  { databaseUrl, tenantId, outFile, pgBinDir }: { databaseUrl: string; tenantId: string; outFile: string; pgBinDir?: string },
): Promise<TenantSchemaDump> {
  const schemaName = schemaNameFor(tenantId);
  const binDir = pgBinDir ?? findPgBinDir();
  const client = await connectMove(databaseUrl);
  try {
    await client.query('begin transaction isolation level repeatable read, read only');
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const exists = await client.query('select 1 from pg_namespace where nspname = $1', [schemaName]);
    if (exists.rowCount === 0) {
      throw new TenantSchemaError('TNT_ERR_SCHEMA_MISSING', `Schema ${schemaName} does not exist on this database; is the tenant provisioned, and placed here?`);
    }
    const schemaVersion = await readSchemaVersionInClient(client, schemaName);
    const rowCounts = await countTenantRowsIn(client, schemaName);
    await runPgDump({ binDir, databaseUrl, schemaName, snapshot: rows[0].snapshot, outFile });
    await client.query('commit');
    return { schemaName, schemaVersion, rowCounts };
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

async function runPgDump(
  { binDir, databaseUrl, schemaName, snapshot, outFile }: { binDir: string; databaseUrl: string; schemaName: string; snapshot: string; outFile: string },
): Promise<void> {
  const { dbname, env } = connectionFor(databaseUrl);
  // A quoted pattern: pg_dump matches it exactly (no lower-casing, no wildcards).
  const args = ['--schema', `"${schemaName}"`, '--format=custom', '--snapshot', snapshot, '--file', outFile, '--dbname', dbname];
  const child = spawn(join(binDir, 'pg_dump'), args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      stderr += error.message;
      resolve(-1);
    });
    child.once('close', resolve);
  });
  if (code !== 0) throw new TenantSchemaError('TNT_ERR_DUMP_FAILED', `pg_dump of ${schemaName} exited with ${code}: ${stderr.trim()}`);
}
