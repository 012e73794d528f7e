import { v7 as uuidv7 } from 'uuid';
import type { TenantMember } from '../member.ts';
import type { TenantSnapshot } from '../tenant-snapshot.ts';
import { tenantSchemaName } from '../tenant-schema-name.ts';

/** A valid snapshot with a fresh id; tests override what they care about. */
export function buildTenantSnapshot(overrides: Partial<TenantSnapshot> = {}): TenantSnapshot {
  const id = overrides.id ?? uuidv7();
  const now = new Date().toISOString();
  return {
    id,
    name: 'Acme Pagos SpA',
    slug: 'acme-pagos',
    description: null,
    business_type: 'payment_processor',
    status: 'pending_setup',
    is_active: true,
    schema_name: tenantSchemaName(id),
    schema_version: null,
    rut: '76086428-5',
    address: 'Av. Providencia 1234',
    commune: 'Providencia',
    city: 'Santiago',
    post_code: '7500000',
    country_code: 'CL',
    country_name: 'Chile',
    giro: 'Servicios de pago',
    billing_day: 1,
    economic_activities: [{ code: '661900', name: 'Otras actividades auxiliares', category: '1ra', taxable: true }],
    plan_id: 'free',
    user_limit: null,
    max_users: 3,
    group_id: null,
    settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
    version: 1,
    created_at: now,
    updated_at: now,
    database: 'main',
    move: null,
    ...overrides,
  };
}

export function buildTenantMember(overrides: Partial<TenantMember> = {}): TenantMember {
  return {
    user_id: uuidv7(),
    email: 'ana@example.com',
    first_name: 'Ana',
    last_name: null,
    role: 'developer',
    status: 'active',
    joined_at: new Date().toISOString(),
    last_login_at: null,
    ...overrides,
  };
}
