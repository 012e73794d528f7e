import { advanceTenantPurge, readTenantPurge, tombstoneTenant, type ControlOrm, type TenantPurgeRecord } from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';
import { dropTenantSchema } from '@tenantry/tenant-schema';
import type { Pool } from 'pg';
import { TenantPurgeBusyError } from './errors.ts';
import { failpoint } from './failpoint.ts';
import { tryLockTenantPurge } from './purge-lock.ts';

export interface PurgeRunnerDeps {
  orm: ControlOrm;
  databases: TenantDatabases;
  logger: Logger;
  /** Told each step as it completes (the CLI prints them). */
  onStep?: (state: string) => void;
}

/**
 * Runs (or resumes) the tenant's requested purge to its end. Steps, each journalled in
 * `control.tenant_purges` and each safe to repeat, so a re-run after a crash at any point finishes:
 * 1. `requested` → drop the schema and the role on the tenant's database (skips what is gone);
 * 2. `schema-dropped` → the tombstone, in one control transaction (memberships, idempotency
 *    records, `TenantPurged`, the tenant's key) → `done`.
 * The control row is never deleted, so no schema is ever left without one; while the journal says
 * `requested` or `schema-dropped` the row is still `deactivated` and the runner owes the rest.
 */
export async function runTenantPurge(deps: PurgeRunnerDeps, tenantId: string): Promise<TenantPurgeRecord | null> {
  const pool = (await deps.orm.em.getConnection().getNativeClient()) as Pool;
  const lock = await tryLockTenantPurge(pool, tenantId);
  if (!lock) throw new TenantPurgeBusyError(tenantId);
  try {
    const purge = await readTenantPurge(deps.orm, tenantId);
    if (!purge || purge.state === 'done') return purge;
    const log = deps.logger.child({ tenant_id: tenantId, database: purge.database });
    const step = async (state: 'schema-dropped' | 'done') => {
      log.info({ state }, 'tenant purge step done');
      deps.onStep?.(state);
      await failpoint(state);
    };
    if (purge.state === 'requested') {
      await failpoint('requested');
      const dropped = await deps.databases.use(purge.database, (tenantOrm) => dropTenantSchema(tenantOrm, tenantId));
      log.info(dropped, 'tenant schema and role dropped');
      await advanceTenantPurge(deps.orm, tenantId, 'schema-dropped');
      await step('schema-dropped');
    }
    await tombstoneTenant(deps.orm, tenantId);
    await step('done');
    return readTenantPurge(deps.orm, tenantId);
  } finally {
    await lock.release();
  }
}
