import { ControlError } from '@tenantry/control-db';

/** Another process (the provisioner, another CLI) is running this tenant's move right now. */
export class TenantMoveBusyError extends ControlError {
  constructor(tenantId: string) {
    super('TNT_ERR_MOVE_BUSY', `The move of tenant ${tenantId} is being run by another process; see \`tenantry tenants move --status ${tenantId}\`.`);
  }
}
