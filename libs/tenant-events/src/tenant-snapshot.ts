/** Values of `business_type` (SPEC §2). */
export const BUSINESS_TYPES = ['wallet', 'exchange', 'lending', 'payment_processor', 'other'] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];

/** Values of `status` (SPEC §2). `is_active` is false for `suspended`, `deactivated` and `purged` (v2: a tombstone). */
export const TENANT_STATUSES = ['pending_setup', 'active', 'suspended', 'deactivated', 'setup_failed', 'purged'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** `category` of an economic activity (SII first or second category). */
export const ECONOMIC_ACTIVITY_CATEGORIES = ['1ra', '2da'] as const;
export type EconomicActivityCategory = (typeof ECONOMIC_ACTIVITY_CATEGORIES)[number];

export interface EconomicActivity {
  /** 6-digit ACTECO code, unique within a tenant. */
  code: string;
  name: string;
  category: EconomicActivityCategory;
  taxable: boolean;
}

export interface TenantSettings {
  /** ISO 4217, e.g. "CLP". */
  default_currency: string;
  /** IANA time zone, e.g. "America/Santiago". */
  timezone: string;
}

/** The tenant database the control database itself is (SPEC §7); the placement of every tenant before v1.1. */
export const MAIN_TENANT_DATABASE = 'main';

/** The rule for a tenant database's name (SPEC §7). */
export const TENANT_DATABASE_NAME_PATTERN = '^[a-z][a-z0-9_]{0,30}$';

/** A move of the tenant to another tenant database, while it runs (SPEC §7). */
export interface TenantMoveStatus {
  /** The target database. */
  to: string;
  /** The move's current step (`requested`, then the engine's steps up to `flipped`, ...). */
  state: string;
  /** When the move was requested, ISO 8601 UTC. */
  started_at: string;
}

/**
 * The tenant as carried by every event on tenant.events and returned by the REST API:
 * SPEC §2 without `members`. Consumers must ignore fields they do not know (v1 grows additively).
 * `database` and `move` came in v1.1: Tenantry always writes them, but an event written before has
 * neither, so they are optional here; read the placement with {@link tenantDatabaseOf}.
 */
export interface TenantSnapshot {
  id: string;
  /** v2: null on a purged tenant's tombstone, and when read from an event whose tenant key is destroyed. */
  name: string | null;
  /** v2: null as `name`. */
  slug: string | null;
  description: string | null;
  business_type: BusinessType;
  status: TenantStatus;
  is_active: boolean;
  schema_name: string;
  schema_version: string | null;
  rut: string | null;
  address: string | null;
  commune: string | null;
  city: string | null;
  post_code: string | null;
  country_code: string;
  country_name: string;
  giro: string | null;
  billing_day: number;
  economic_activities: EconomicActivity[];
  plan_id: string;
  user_limit: number | null;
  max_users: number | null;
  group_id: string | null;
  settings: TenantSettings;
  version: number;
  created_at: string;
  updated_at: string;
  /** v1.1: the tenant database holding its schema (absent in older events: `main`). */
  database?: string;
  /** v1.1: the move in progress, or null. */
  move?: TenantMoveStatus | null;
}

/** The tenant's database as the snapshot says; an event from before v1.1 has none and means `main`. */
export function tenantDatabaseOf(tenant: Pick<TenantSnapshot, 'database'>): string {
  return tenant.database ?? MAIN_TENANT_DATABASE;
}

/**
 * Every v1 field of TenantSnapshot, in contract order: all required. The `satisfies` clause plus the
 * spec make sure the lists, the type and the JSON Schema never drift apart.
 */
export const TENANT_SNAPSHOT_FIELDS = [
  'id',
  'name',
  'slug',
  'description',
  'business_type',
  'status',
  'is_active',
  'schema_name',
  'schema_version',
  'rut',
  'address',
  'commune',
  'city',
  'post_code',
  'country_code',
  'country_name',
  'giro',
  'billing_day',
  'economic_activities',
  'plan_id',
  'user_limit',
  'max_users',
  'group_id',
  'settings',
  'version',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof TenantSnapshot)[];

/** Fields added within v1 (optional in the contract, always written by Tenantry), in the order added. */
export const TENANT_SNAPSHOT_ADDED_FIELDS = ['database', 'move'] as const satisfies readonly (keyof TenantSnapshot)[];

// Compile-time check that no TenantSnapshot key is missing from the two lists.
type MissingField = Exclude<keyof TenantSnapshot, (typeof TENANT_SNAPSHOT_FIELDS)[number] | (typeof TENANT_SNAPSHOT_ADDED_FIELDS)[number]>;
const noMissingField: [MissingField] extends [never] ? true : MissingField = true;
void noMissingField;
