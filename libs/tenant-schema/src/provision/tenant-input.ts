/** One ACTECO activity as carried by the tenant snapshot. */
export interface TenantEconomicActivityInput {
  code: string;
  name: string;
  category: '1ra' | '2da';
  taxable: boolean;
}

/**
 * The tenant fields a tenant schema needs (a subset of the tenant snapshot of SPEC §2). Declared
 * here so this library does not depend on the event contract; a snapshot object fits as is.
 */
export interface TenantSchemaInput {
  id: string;
  /** Null when the tenant is purged or its key destroyed (contract v2): such input is refused, callers skip it first. */
  name: string | null;
  rut: string | null;
  giro: string | null;
  address: string | null;
  commune: string | null;
  city: string | null;
  economic_activities: readonly TenantEconomicActivityInput[];
  version: number;
}
