import type { IdempotentProducer } from '@tenantry/kafka';
import type { Logger } from '@tenantry/logger';
import type { ProvisionTenantSchemaOptions, SparePool, TenantSchemaOrm } from '@tenantry/tenant-schema';

/** What every provisioner handler gets for one consumed event. */
export interface ProvisionerContext {
  orm: TenantSchemaOrm;
  /** Publishes the reports on `topics.tenantProvisioning`. */
  producer: IdempotentProducer;
  topics: { tenantEvents: string; tenantProvisioning: string };
  /** Tenant migrations to apply; undefined means all of `tenant-migrations/`. */
  migrations?: ProvisionTenantSchemaOptions['migrations'];
  /** Connection limit and timeouts of the tenant roles (TENANT_ROLE_*). */
  roleLimits?: ProvisionTenantSchemaOptions['roleLimits'];
  /** The pool of pre-built schemas a new tenant is given, when PROVISIONER_SPARE_SCHEMAS > 0. */
  spares?: SparePool;
  /** Child logger with tenant_id, traceparent, event type/id and tenantversion. */
  log: Logger;
  /** 1 on the first try, +1 per in-process retry of the same message. */
  attempt: number;
  /** True on the runner's last in-process try: after it, a thrown error dead-letters the message. */
  lastAttempt: boolean;
}
