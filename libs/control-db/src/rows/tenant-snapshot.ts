import countries from 'i18n-iso-countries';
import type { TenantMoveStatus, TenantSnapshot } from '@tenantry/tenant-events';
import type { TenantRow } from '../entities/index.ts';

const INACTIVE_STATUSES = new Set(['suspended', 'deactivated', 'purged']);

/** §2 `is_active`: false when suspended or deactivated. */
export function isActiveStatus(status: string): boolean {
  return !INACTIVE_STATUSES.has(status);
}

const countryNames = new Map<string, string>();

/** English name of an ISO 3166-1 alpha-2 code (the code itself when unknown); memoized, it is on every read. */
export function countryName(code: string): string {
  let name = countryNames.get(code);
  if (name === undefined) {
    name = countries.getName(code, 'en') ?? code;
    if (countryNames.size < 1000) countryNames.set(code, name);
  }
  return name;
}

/** PostgreSQL's text form of a timestamptz in a UTC session: `2026-11-23 01:34:38.472567+00`. */
const PG_UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * ISO 8601 UTC with milliseconds, as `new Date(value).toISOString()` gives (fractions cut, not
 * rounded), without parsing a Date for the common case of a UTC session's text: list pages convert
 * two timestamps per tenant. Any other form (other offsets, Date objects) goes through Date.
 */
export function isoTimestamp(value: string | Date): string {
  if (typeof value === 'string') {
    const match = PG_UTC_TIMESTAMP.exec(value);
    if (match) return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  }
  return new Date(value).toISOString();
}

/**
 * SQL of the snapshot's `move`: the open `tenant_moves` row of the tenant whose id is `tenantId`
 * (an SQL expression) as `{to, state, started_at}` JSON, or null. At most one is open (unique index).
 */
export function openMoveSql(tenantId: string): string {
  return `(select json_build_object('to', mv.to_database, 'state', mv.state,
            'started_at', to_char(mv.requested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     from tenant_moves mv where mv.tenant_id = ${tenantId} and mv.finished_at is null)`;
}

/**
 * The §2 view of a tenant row: derived fields filled in, timestamps in ISO 8601 UTC. `move` is the
 * open move ({@link openMoveSql}), read with the row.
 */
export function toTenantSnapshot(row: TenantRow, planUserLimit: number | null, move: TenantMoveStatus | null): TenantSnapshot {
  return {
    id: row.id,
    name: row.name ?? null,
    slug: row.slug ?? null,
    description: row.description ?? null,
    business_type: row.business_type as TenantSnapshot['business_type'],
    status: row.status as TenantSnapshot['status'],
    is_active: isActiveStatus(row.status),
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
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
    database: row.database,
    move,
  };
}
