import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';

/** What every dte-sync handler gets for one consumed event. */
export interface DteSyncContext {
  /** The tenant databases; the issuer is written on the tenant's current one. */
  databases: TenantDatabases;
  /** Child logger with tenant_id, traceparent, event type/id and tenantversion. */
  log: Logger;
}
