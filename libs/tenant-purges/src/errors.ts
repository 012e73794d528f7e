/** Another process runs this tenant's purge right now; it will finish it. */
export class TenantPurgeBusyError extends Error {
  readonly code = 'TNT_ERR_PURGE_BUSY';
  readonly retriable = true;
  constructor(tenantId: string) {
    super(`The purge of tenant ${tenantId} is being run by another process.`);
    this.name = 'TenantPurgeBusyError';
  }
}
