import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { TenantSnapshot } from '@tenantry/tenant-events';

type EconomicActivity = TenantSnapshot['economic_activities'][number];
type TenantSettings = TenantSnapshot['settings'];

export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: {
    id: p.uuid().primary(),
    /** Null only on a purged tenant's tombstone. */
    name: p.string().nullable(),
    slug: p.string().nullable(),
    description: p.text().nullable(),
    business_type: p.string(),
    status: p.string(),
    schema_name: p.string(),
    schema_version: p.string().nullable(),
    /** The tenant database (tenant_databases.name) that holds its schema. */
    database: p.string().default('main'),
    rut: p.string().nullable(),
    address: p.string().nullable(),
    commune: p.string().nullable(),
    city: p.string().nullable(),
    post_code: p.string().nullable(),
    country_code: p.string(),
    giro: p.string().nullable(),
    billing_day: p.integer(),
    economic_activities: p.json<EconomicActivity[]>(),
    plan_id: p.string(),
    user_limit: p.integer().nullable(),
    group_id: p.uuid().nullable(),
    settings: p.json<TenantSettings>(),
    version: p.integer(),
    created_at: p.datetime(),
    updated_at: p.datetime(),
    /** Since when the tenant has been deactivated (PURGE_AFTER_DAYS counts from it); null otherwise. */
    deactivated_at: p.datetime().nullable(),
    purged_at: p.datetime().nullable(),
  },
});

export type TenantRow = InferEntity<typeof Tenant>;
