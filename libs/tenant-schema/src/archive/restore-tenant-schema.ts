import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TenantSchemaError } from '../errors.ts';
import { connectMove } from '../move/index.ts';
import { connectionFor, findPgBinDir } from '../move/index.ts';
import { qualifiedName, quoteIdentifier } from '../schema/index.ts';
import { dropTenantSchema } from '../provision/index.ts';
import { ensureTenantRole, lockDownTenantDatabase } from '../provision/index.ts';
import { lockTenantSchema } from '../schema/index.ts';
import { roleNameFor, schemaNameFor } from '../schema/index.ts';
import { createTenantSchemaOrm, type TenantSchemaOrm } from '../schema/index.ts';
import { DEFAULT_TENANT_ROLE_LIMITS } from '@tenantry/config';
import { renameSchemaStream } from './rename-schema-stream.ts';
import { countTenantRowsIn, readSchemaVersionInClient } from './tenant-rows.ts';

export interface RestoreTenantSchemaOptions {
  databaseUrl: string;
  /** A custom-format dump of one tenant schema (dumpTenantSchema). */
  dumpFile: string;
  /** The tenant the dump was taken of: its schema name is in the dump. */
  fromTenantId: string;
  /** The tenant to restore it as: the same id, or a clone's new id (schema renamed on the way in). */
  toTenantId: string;
  /** Whether the tenant's role may log in (its status allows it). */
  login: boolean;
  pgBinDir?: string;
}

export interface TenantSchemaContents {
  schemaName: string;
  schemaVersion: string | null;
  rowCounts: Record<string, number>;
}

export interface RestoredTenantSchema extends TenantSchemaContents {
  /** Whether the restore created the tenant's role (an undo drops it then). */
  roleCreated: boolean;
}

/**
 * Restores a tenant schema dump on a database in ONE transaction (`pg_restore -f -` piped through
 * psql, committed only when pg_restore finished cleanly: a broken dump commits nothing), renaming
 * the schema for a clone; then gives the tenant's role (created here if missing) its rights, as
 * provisioning would. Ownership and grants in the dump are left out (`--no-owner --no-acl`): the
 * restoring user owns the schema like a provisioned one, and the rights are granted afresh. Refuses
 * a schema that exists already. Returns what the restored schema holds, to check against a manifest.
 */
export async function restoreTenantSchema(options: RestoreTenantSchemaOptions): Promise<RestoredTenantSchema> {
  const from = schemaNameFor(options.fromTenantId);
  const schemaName = schemaNameFor(options.toTenantId);
  const binDir = options.pgBinDir ?? findPgBinDir();
  const orm = await createTenantSchemaOrm({ databaseUrl: options.databaseUrl, poolMax: 1 });
  let roleCreated = false;
  try {
    const group = await lockDownTenantDatabase(orm);
    await orm.em.fork().transactional(async (tx) => {
      await lockTenantSchema(tx, schemaName);
      const [row] = await tx.execute<{ found: boolean }[]>('select exists (select 1 from pg_namespace where nspname = ?) as found', [schemaName]);
      if (row.found) throw new TenantSchemaError('TNT_ERR_SCHEMA_EXISTS', `Schema ${schemaName} exists already on this database; nothing was restored.`);
    });
    await runRestore({ binDir, databaseUrl: options.databaseUrl, dumpFile: options.dumpFile, from, to: schemaName });
    try {
      roleCreated = await orm.em.fork().transactional(async (tx) => {
        await lockTenantSchema(tx, schemaName);
        const created = await ensureTenantRole(tx, schemaName, roleNameFor(options.toTenantId), {
          login: options.login,
          policy: { limits: DEFAULT_TENANT_ROLE_LIMITS, group },
        });
        // A clone's issuer was copied at the original's versions; the clone's own versions start at 1.
        if (from !== schemaName) await tx.execute(`update ${qualifiedName(schemaName, 'issuer')} set source_version = 0`);
        return created;
      });
    } catch (error) {
      await dropSchemaOnly(orm, schemaName);
      throw error;
    }
  } finally {
    await orm.close(true);
  }
  return { ...(await describeTenantSchema(options.databaseUrl, options.toTenantId)), roleCreated };
}

async function dropSchemaOnly(orm: TenantSchemaOrm, schemaName: string): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    await lockTenantSchema(tx, schemaName);
    await tx.execute(`drop schema if exists ${quoteIdentifier(schemaName)} cascade`);
  });
}

/**
 * Undoes restoreTenantSchema (an import that failed later): the schema dropped, and the role too
 * when the restore created it.
 */
export async function undoTenantSchemaRestore(databaseUrl: string, tenantId: string, { dropRole }: { dropRole: boolean }): Promise<void> {
  const orm = await createTenantSchemaOrm({ databaseUrl, poolMax: 1 });
  try {
    if (dropRole) await dropTenantSchema(orm, tenantId);
    else await dropSchemaOnly(orm, schemaNameFor(tenantId));
  } finally {
    await orm.close(true);
  }
}

/** Schema version and row counts of a tenant schema, read in one snapshot. */
export async function describeTenantSchema(databaseUrl: string, tenantId: string): Promise<TenantSchemaContents> {
  const schemaName = schemaNameFor(tenantId);
  const client = await connectMove(databaseUrl);
  try {
    await client.query('begin transaction isolation level repeatable read, read only');
    const schemaVersion = await readSchemaVersionInClient(client, schemaName);
    const rowCounts = await countTenantRowsIn(client, schemaName);
    await client.query('commit');
    return { schemaName, schemaVersion, rowCounts };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function runRestore({ binDir, databaseUrl, dumpFile, from, to }: { binDir: string; databaseUrl: string; dumpFile: string; from: string; to: string }): Promise<void> {
  const { dbname, env } = connectionFor(databaseUrl);
  const restore = spawn(join(binDir, 'pg_restore'), ['--no-owner', '--no-acl', '--file', '-', dumpFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const psql = spawn(join(binDir, 'psql'), ['--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=1', '--dbname', dbname], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  const errors = { restore: '', psql: '' };
  restore.stderr.on('data', (chunk) => (errors.restore = (errors.restore + chunk).slice(-4_000)));
  psql.stderr.on('data', (chunk) => (errors.psql = (errors.psql + chunk).slice(-4_000)));
  // psql that stopped on an error stops reading: the writes that follow must not crash the process.
  psql.stdin.on('error', () => undefined);
  const exited = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(-1));
      child.once('close', resolve);
    });
  const psqlExit = exited(psql);
  psql.stdin.write('begin;\n');
  const piped = pipeline(restore.stdout, renameSchemaStream(from, to), psql.stdin, { end: false }).then(
    () => true,
    () => false,
  );
  const [restoreCode, pipedWhole] = await Promise.all([exited(restore), piped]);
  // COMMIT only after a clean pg_restore piped whole: psql reaching the end of its input inside the
  // transaction disconnects, and the server rolls the transaction back.
  psql.stdin.end(restoreCode === 0 && pipedWhole ? 'commit;\n' : '');
  const psqlCode = await psqlExit;
  if (restoreCode !== 0 || psqlCode !== 0 || !pipedWhole) {
    const failed = restoreCode !== 0 ? `pg_restore exited with ${restoreCode}: ${errors.restore.trim()}` : `psql exited with ${psqlCode}: ${errors.psql.trim()}`;
    throw new TenantSchemaError('TNT_ERR_RESTORE_FAILED', `Restoring ${to} failed, nothing was kept: ${failed}`);
  }
}
