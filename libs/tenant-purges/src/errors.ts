import { TenantryError } from '@tenantry/errors';

/** Another process runs this tenant's purge right now; it will finish it. */
export class TenantPurgeBusyError extends TenantryError {
  constructor(tenantId: string) {
    super('TNT_ERR_PURGE_BUSY', `The purge of tenant ${tenantId} is being run by another process.`);
  }
}
