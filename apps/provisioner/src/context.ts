import type { IdempotentProducer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { TenantDatabases } from '@tenantry/tenant-databases';
import type { ProvisionTenantSchemaOptions } from '@tenantry/tenant-schema';
import type { ProvisioningMetrics } from './metrics.ts';
import type { SparePools } from './spare-pools.ts';

/** What every provisioner handler gets for one consumed event. */
export interface ProvisionerContext {
  /** The tenant databases; each tenant's schema and role are built on its current one. */
  databases: TenantDatabases;
  /** Publishes the reports on `topics.tenantProvisioning`. */
  producer: IdempotentProducer;
  topics: { tenantEvents: string; tenantProvisioning: string };
  /** Tenant migrations to apply; undefined means all of `tenant-migrations/`. */
  migrations?: ProvisionTenantSchemaOptions['migrations'];
  /** Connection limit and timeouts of the tenant roles (TENANT_ROLE_*). */
  roleLimits?: ProvisionTenantSchemaOptions['roleLimits'];
  /** Pre-built schemas per open database, when PROVISIONER_SPARE_SCHEMAS > 0. */
  spares?: SparePools;
  /** Where a provisioning's duration is observed (the process's metrics). */
  metrics?: ProvisioningMetrics;
  /** Child logger with tenant_id, traceparent, event type/id and tenantversion. */
  log: Logger;
  /** 1 on the first try, +1 per in-process retry of the same message. */
  attempt: number;
  /** True on the runner's last in-process try: after it, a thrown error dead-letters the message. */
  lastAttempt: boolean;
}
