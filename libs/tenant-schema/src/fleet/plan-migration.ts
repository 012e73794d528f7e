import { isPlacedHere, type SchemaStatus } from './read-fleet-status.ts';
import { skipped, usage, type TenantMigrateResult, type WorkItem } from './migrate-results.ts';

export interface MigrationPlan {
  /** Every schema the run is about, in the order the report lists them. */
  selected: WorkItem['status'][];
  /** Schemas to open a transaction on: the first `canary` with pending migrations form the canary wave. */
  canaryItems: WorkItem[];
  mainItems: WorkItem[];
  /** Results known without touching a schema (no schema, moving, up to date). */
  results: Map<string, TenantMigrateResult>;
}

/** Chooses, from the status read at the start, what this run migrates, in which wave, and what it skips. */
export function planMigration(
  schemas: readonly SchemaStatus[],
  { tenantIds, statuses, canary }: { tenantIds?: readonly string[]; statuses?: readonly string[]; canary: number },
): MigrationPlan {
  const placed = schemas.filter(isPlacedHere);
  if (tenantIds) {
    const found = new Set(placed.map((s) => s.tenantId));
    const unknown = tenantIds.filter((id) => !found.has(id));
    if (unknown.length > 0) throw usage(`tenant(s) not in the control ledger: ${unknown.join(', ')}`, 'TNT_ERR_TENANT_NOT_FOUND');
  }
  const wantedStatus = statuses ? new Set(statuses) : undefined;
  const selected = placed.filter(
    (s): s is WorkItem['status'] => s.tenantId !== null && (!wantedStatus || wantedStatus.has(s.tenantStatus!)),
  );

  const results = new Map<string, TenantMigrateResult>();
  const work: WorkItem[] = [];
  let canaryLeft = canary;
  for (const status of selected) {
    if (status.state === 'missing' || status.state === 'not-provisioned') {
      results.set(status.tenantId, skipped(status, 'no-schema'));
    } else if (status.moveTo) {
      results.set(status.tenantId, skipped(status, 'moving'));
    } else if (status.pending.length > 0) {
      work.push({ status, wave: canaryLeft-- > 0 ? 'canary' : 'main' });
    } else if (status.appliedVersion !== null && status.appliedVersion !== status.ledgerVersion) {
      work.push({ status, wave: 'main' }); // up to date, ledger behind: re-checked and recorded
    } else {
      results.set(status.tenantId, skipped(status, 'up-to-date'));
    }
  }
  return {
    selected,
    canaryItems: work.filter((item) => item.wave === 'canary'),
    mainItems: work.filter((item) => item.wave === 'main'),
    results,
  };
}
