import { ControlError } from '../errors.ts';

/** Only a deactivated tenant may be purged. */
export class TenantNotDeactivatedError extends ControlError {
  constructor(id: string, status: string) {
    super('TNT_ERR_TENANT_NOT_DEACTIVATED', `Tenant ${id} is ${status}: only a deactivated tenant can be purged; deactivate it first.`);
  }
}

/** Deactivated for less than PURGE_AFTER_DAYS, and no `force`. */
export class PurgeTooEarlyError extends ControlError {
  readonly purgeableAt: Date;
  constructor(id: string, purgeableAt: Date) {
    super(
      'TNT_ERR_PURGE_TOO_EARLY',
      `Tenant ${id} can be purged from ${purgeableAt.toISOString()} (PURGE_AFTER_DAYS after its deactivation); pass force to purge it now.`,
    );
    this.purgeableAt = purgeableAt;
  }
}
