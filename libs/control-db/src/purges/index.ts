export { requestTenantPurge, PURGES_CHANNEL, type TenantPurgeRequest } from './request-tenant-purge.ts';
export { readTenantPurge, listOpenTenantPurges, advanceTenantPurge } from './purge-journal.ts';
export { tombstoneTenant, PurgeOutOfOrderError } from './tombstone-tenant.ts';
export { TENANT_PERSONAL_FIELDS } from './scrub-event-log.ts';
export { TenantNotDeactivatedError, PurgeTooEarlyError } from './errors.ts';
export { PURGE_STATES, type TenantPurgeRecord, type TenantPurgeState } from './purge-record.ts';
