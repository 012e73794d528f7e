import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_TENANT_ROLE_LIMITS } from '@tenantry/config';
import type { Logger } from '@tenantry/logger';
import { tenantMigrations, type TenantMigration } from '@tenantry/tenant-migrations';
import { quoteIdentifier } from '../schema/index.ts';
import { createTenantMigrator } from '../migrate/index.ts';
import { lockDownTenantDatabase, newTenantSchemaSql, rolePolicySql, type TenantRolePolicy } from './tenant-role.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';

// A spare is a tenant schema built ahead of time, with every migration applied and a NOLOGIN role
// of its own, but no tenant. Provisioning claims one by renaming schema and role, so the ~60
// relations are not created on the request path. Its name does not match a tenant schema's
// (`^tenant_[0-9a-f]{32}$`): fleet commands and events never see it. `migrate up` does not touch
// spares: the pool catches them up when it starts (a deploy restarts it), and a claim applies
// whatever migration the spare still lacks, in the same transaction.

export const SPARE_SCHEMA_PREFIX = 'tenant_spare_';
const SPARE_SCHEMA_PATTERN = '^tenant_spare_[0-9a-f]{32}$';
const POOL_LOCK = 'tenantry:spare-schema-pool';

export function spareRoleFor(spareSchema: string): string {
  return `${spareSchema}_app`;
}

/** Names of the spares that exist now (committed), at most `limit`. */
export async function listSpareSchemas(em: EntityManager, limit = 1_000): Promise<string[]> {
  const rows = await em.execute<{ nspname: string }[]>(
    'select nspname from pg_namespace where nspname ~ ? order by nspname limit ?',
    [SPARE_SCHEMA_PATTERN, limit],
  );
  return rows.map((row) => row.nspname);
}

/**
 * Inside the caller's provisioning transaction (which holds the tenant's lock and has seen that
 * neither its schema nor its role exists): takes one spare and renames it, with its role, to the
 * tenant's names. Returns false when no spare could be taken; the caller then builds the schema.
 * A rollback of the caller's transaction gives the spare back untouched.
 */
export async function claimSpareSchema(
  tx: EntityManager,
  schemaName: string,
  roleName: string,
  { login, policy }: { login: boolean; policy: TenantRolePolicy },
): Promise<boolean> {
  for (const spare of await listSpareSchemas(tx, 4)) {
    // The same lock a tenant schema's writers take: two claims never pick the same spare.
    const [{ locked }] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as locked', [
      `tenantry:tenant-schema:${spare}`,
    ]);
    if (!locked) continue;
    // A separate statement, so its snapshot is taken after the lock: a claim that committed
    // while we waited has renamed the spare away.
    const [{ present }] = await tx.execute<{ present: boolean }[]>('select exists (select 1 from pg_namespace where nspname = ?) as present', [spare]);
    if (!present) continue;
    const role = quoteIdentifier(roleName);
    await tx.execute(
      [
        `alter schema ${quoteIdentifier(spare)} rename to ${quoteIdentifier(schemaName)}`,
        `alter role ${quoteIdentifier(spareRoleFor(spare))} rename to ${role}`,
        `alter role ${role} ${login ? 'login' : 'nologin'}`,
        `alter role ${role} set search_path to ${quoteIdentifier(schemaName)}`,
        // The spare was built with the defaults; the tenant's role gets the limits in force now.
        ...rolePolicySql(role, policy),
      ].join(';\n'),
    );
    return true;
  }
  return false;
}

export interface TopUpSpareSchemasOptions {
  /** How many spares to keep. */
  size: number;
  migrations?: readonly TenantMigration[];
}

/**
 * Builds ONE spare, in one transaction, if fewer than `size` exist; returns its name, or null
 * when the pool is full. Builders in every process take the pool's lock first, so replicas do not
 * overfill it.
 */
export async function topUpSpareSchemas(orm: TenantSchemaOrm, { size, migrations = tenantMigrations }: TopUpSpareSchemasOptions): Promise<string | null> {
  if (size <= 0) return null;
  // Spare roles never log in; a claim gives the tenant's role the configured limits.
  const policy = { limits: DEFAULT_TENANT_ROLE_LIMITS, group: await lockDownTenantDatabase(orm) };
  return orm.em.fork().transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [POOL_LOCK]);
    if ((await listSpareSchemas(tx, size)).length >= size) return null;
    const spare = `${SPARE_SCHEMA_PREFIX}${randomBytes(16).toString('hex')}`;
    await tx.execute(newTenantSchemaSql(spare, spareRoleFor(spare), { roleExists: false, login: false, policy }));
    const migrator = createTenantMigrator(tx, migrations, { trackingTable: 'created' });
    await migrator.up({ schema: spare, transaction: tx.getTransactionContext() });
    return spare;
  });
}

/**
 * Applies to every spare the migrations it lacks, one transaction per spare under the spare's
 * lock (a spare being claimed is skipped: the claim applies them). Returns how many were migrated.
 */
export async function refreshSpareSchemas(orm: TenantSchemaOrm, { migrations = tenantMigrations }: { migrations?: readonly TenantMigration[] } = {}): Promise<number> {
  let refreshed = 0;
  for (const spare of await listSpareSchemas(orm.em.fork())) {
    const applied = await orm.em.fork().transactional(async (tx) => {
      const [{ locked }] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as locked', [
        `tenantry:tenant-schema:${spare}`,
      ]);
      if (!locked || (await listSpareSchemas(tx)).indexOf(spare) < 0) return 0;
      const migrator = createTenantMigrator(tx, migrations, { trackingTable: 'exists' });
      return (await migrator.up({ schema: spare, transaction: tx.getTransactionContext() })).length;
    });
    if (applied > 0) refreshed += 1;
  }
  return refreshed;
}

export interface SparePool {
  /** Ask for a top-up now (after a claim). */
  wake(): void;
  /** Resolves when the pool is full for the first time (or stopped). */
  filled: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps `size` spares in the database, in the background: at start it catches the existing spares
 * up with the migrations, then tops up at start, when woken (after a claim), and every
 * `intervalMs` (another replica's claim, a spare dropped by hand). Errors (the database down) are
 * logged and tried again at the next interval.
 */
export function startSparePool(
  orm: TenantSchemaOrm,
  { size, migrations, logger, intervalMs = 10_000 }: TopUpSpareSchemasOptions & { logger?: Logger; intervalMs?: number },
): SparePool {
  let stopping = false;
  let woken = false;
  let wakeUp: () => void = () => {};
  let markFilled: () => void = () => {};
  const filled = new Promise<void>((resolve) => (markFilled = resolve));
  const log = logger?.child({ component: 'spare-pool' });

  let refreshed = false;
  const loop = (async () => {
    while (!stopping) {
      woken = false;
      try {
        if (!refreshed) {
          const count = await refreshSpareSchemas(orm, { migrations });
          refreshed = true;
          if (count > 0) log?.info({ spares: count }, 'spare tenant schemas caught up with the tenant migrations');
        }
        let spare: string | null;
        while (!stopping && (spare = await topUpSpareSchemas(orm, { size, migrations }))) {
          log?.debug({ spare }, 'spare tenant schema built');
        }
        markFilled();
      } catch (error) {
        log?.warn({ err: error, retry_in_ms: intervalMs }, 'could not build a spare tenant schema; will retry');
      }
      if (stopping || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = () => {};
    }
    markFilled();
  })();

  return {
    filled,
    wake() {
      woken = true;
      wakeUp();
    },
    async stop() {
      stopping = true;
      wakeUp();
      await loop;
    },
  };
}
