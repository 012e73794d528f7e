import type { Config } from '@tenantry/config';
import { createControlOrm } from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';
import { startMoveRunner } from '@tenantry/tenant-moves';

export interface TenantMovesService {
  stop(): Promise<void>;
}

/**
 * Runs the moves requested through `POST /v1/tenants/{id}/move` (and finishes moves a crashed runner
 * left open): woken by NOTIFY, and every 10 s. Its own small control pool, so a long move never
 * takes a connection from the tenants' provisioning.
 */
export async function startTenantMoves(config: Config, databases: TenantDatabases, logger: Logger): Promise<TenantMovesService> {
  const orm = await createControlOrm({ databaseUrl: config.databaseUrl, controlSchema: config.controlSchema, poolMax: 3, logger });
  const runner = startMoveRunner({ orm, controlSchema: config.controlSchema, databases, logger: logger.child({ component: 'tenant-moves' }) });
  return {
    async stop() {
      await runner.stop();
      await orm.close(true);
    },
  };
}
