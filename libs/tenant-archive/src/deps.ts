import type { ControlOrm } from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';

/** What export and import need: the control schema, the tenant databases, and where pg_dump lives (found when omitted). */
export interface TenantArchiveDeps {
  orm: ControlOrm;
  databases: TenantDatabases;
  logger: Logger;
  pgBinDir?: string;
}
