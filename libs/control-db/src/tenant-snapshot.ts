import countries from 'i18n-iso-countries';
import type { TenantSnapshot } from '@tenantry/tenant-events';
import type { TenantRow } from './entities/index.ts';

const INACTIVE_STATUSES = new Set(['suspended', 'deactivated']);

export function countryName(code: string): string {
  return countries.getName(code, 'en') ?? code;
}

/** The §2 view of a tenant row: derived fields filled in, timestamps in ISO 8601 UTC. */
export function toTenantSnapshot(row: TenantRow, planUserLimit: number | null): TenantSnapshot {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description ?? null,
    business_type: row.business_type as TenantSnapshot['business_type'],
    status: row.status as TenantSnapshot['status'],
    is_active: !INACTIVE_STATUSES.has(row.status),
    schema_name: row.schema_name,
    schema_version: row.schema_version ?? null,
    rut: row.rut ?? null,
    address: row.address ?? null,
    commune: row.commune ?? null,
    city: row.city ?? null,
    post_code: row.post_code ?? null,
    country_code: row.country_code,
    country_name: countryName(row.country_code),
    giro: row.giro ?? null,
    billing_day: row.billing_day,
    economic_activities: row.economic_activities,
    plan_id: row.plan_id,
    user_limit: row.user_limit ?? null,
    max_users: row.user_limit ?? planUserLimit,
    group_id: row.group_id ?? null,
    settings: row.settings,
    version: row.version,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
