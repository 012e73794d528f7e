import type { Logger } from '@tenantry/logger';
import type { TenantSchemaOrm } from '@tenantry/tenant-schema';

/** What every dte-sync handler gets for one consumed event. */
export interface DteSyncContext {
  orm: TenantSchemaOrm;
  /** Child logger with tenant_id, traceparent, event type/id and tenantversion. */
  log: Logger;
}
