import type { TenantRow } from '../entities/index.ts';
import { InvalidStateError } from '../errors.ts';

/** A purged tenant is a tombstone: nothing about it changes any more (409 TNT_ERR_INVALID_STATE). */
export function refuseTombstone(row: TenantRow): void {
  if (row.status === 'purged') throw new InvalidStateError(`Tenant ${row.id} is purged: only its tombstone is left.`);
}
