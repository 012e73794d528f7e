/** What the control schema says about one tenant: the input the fleet engine compares schemas with. */
export interface FleetLedgerEntry {
  tenantId: string;
  schemaName: string;
  /** Control status (`active`, `pending_setup`, ...). */
  status: string;
  /** The control ledger's `schema_version`: the last migration it believes the schema holds. */
  schemaVersion: string | null;
  /**
   * The tenant database the control schema places the tenant on (`main`, ...). Absent: there is one
   * database, and every entry belongs to it. The multi-database engine needs it on every entry.
   */
  database?: string;
  /** The database an unfinished move is taking the tenant to: its schema there is being built, and `migrate up` leaves the tenant alone. */
  moveTo?: string | null;
}

/**
 * The control ledger as the fleet engine sees it. The engine never imports control-db: the caller
 * wires `readSchemaLedger` / `recordSchemaVersion` (see apps/cli) or a test double of its choice.
 */
export interface FleetLedger {
  /** Every tenant, in the order work should be done (oldest first). */
  read(): Promise<FleetLedgerEntry[]>;
  /** Sets the tenant's schema version (and emits its event); must be a no-op when unchanged. */
  record(tenantId: string, schemaVersion: string): Promise<unknown>;
  /**
   * Optional: `record` for many tenants in one write (e.g. one control transaction). Resolves with
   * one outcome per entry, in order: `null` = recorded, an error = that tenant was not. Rejecting
   * means none was recorded. With it, `migrate up` writes the ledger in batches.
   */
  recordMany?(entries: readonly FleetLedgerWrite[]): Promise<readonly (Error | null)[]>;
}

export interface FleetLedgerWrite {
  tenantId: string;
  schemaVersion: string;
}

/** Statuses whose tenant must have a schema: provisioned once, and deactivation keeps the schema. */
export const PROVISIONED_STATUSES: ReadonlySet<string> = new Set(['active', 'suspended', 'deactivated']);
