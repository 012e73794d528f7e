import { BUSINESS_TYPES, ECONOMIC_ACTIVITY_CATEGORIES, TENANT_DATABASE_NAME_PATTERN, TENANT_SNAPSHOT_FIELDS, TENANT_STATUSES } from '../tenant-snapshot.ts';
import { dateTime, nullableInteger, nullableString } from './nullable.ts';
import { TENANT_SCHEMA_NAME_PATTERN } from '../tenant-schema-name.ts';

export const economicActivitySchema = {
  type: 'object',
  required: ['code', 'name', 'category', 'taxable'],
  properties: {
    code: { type: 'string', pattern: '^[0-9]{6}$', description: '6-digit ACTECO code' },
    name: { type: 'string' },
    category: { type: 'string', enum: ECONOMIC_ACTIVITY_CATEGORIES },
    taxable: { type: 'boolean' },
  },
} as const;

export const tenantSettingsSchema = {
  type: 'object',
  required: ['default_currency', 'timezone'],
  properties: {
    default_currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217' },
    timezone: { type: 'string', minLength: 1, description: 'IANA time zone name' },
  },
} as const;

/** `move` of the snapshot (v1.1): the move in progress, or null. */
export const tenantMoveStatusSchema = {
  type: ['object', 'null'],
  required: ['to', 'state', 'started_at'],
  properties: {
    to: { type: 'string', minLength: 1, description: 'the target tenant database' },
    state: { type: 'string', minLength: 1, description: "the move's current step" },
    started_at: dateTime,
  },
  description: 'v1.1: a move to another tenant database in progress, or null',
} as const;

/**
 * JSON Schema (draft-07) of TenantSnapshot: SPEC §2 without `members`.
 * `additionalProperties` is deliberately left out: validators then accept newer fields (v1 grows
 * additively), while Fastify's serializer still writes only the fields listed here.
 * It carries no `$id`, so it can be inlined anywhere; to register it with Fastify use
 * `{ $id: 'TenantSnapshot', ...tenantSnapshotSchema }`.
 * `database` and `move` (v1.1) are listed but not required: events written before them stay valid.
 */
export const tenantSnapshotSchema = {
  title: 'TenantSnapshot',
  type: 'object',
  required: TENANT_SNAPSHOT_FIELDS,
  properties: {
    id: { type: 'string', format: 'uuid', description: 'UUIDv7' },
    name: { type: ['string', 'null'], minLength: 1, description: 'v2: null on a purged tombstone' },
    slug: { type: ['string', 'null'], pattern: '^[a-z0-9-]{3,63}$', description: 'v2: null on a purged tombstone' },
    description: nullableString,
    business_type: { type: 'string', enum: BUSINESS_TYPES },
    status: { type: 'string', enum: TENANT_STATUSES },
    is_active: { type: 'boolean' },
    schema_name: { type: 'string', pattern: TENANT_SCHEMA_NAME_PATTERN },
    schema_version: { ...nullableString, description: 'last tenant migration applied; null until provisioned' },
    rut: { type: ['string', 'null'], pattern: '^[0-9]{1,8}-[0-9K]$', description: 'normalized, e.g. 12345678-K' },
    address: nullableString,
    commune: nullableString,
    city: nullableString,
    post_code: nullableString,
    country_code: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' },
    country_name: { type: 'string' },
    giro: nullableString,
    billing_day: { type: 'integer', minimum: 1, maximum: 31 },
    economic_activities: { type: 'array', items: economicActivitySchema },
    plan_id: { type: 'string', minLength: 1 },
    user_limit: { ...nullableInteger, minimum: 0 },
    max_users: { ...nullableInteger, minimum: 0, description: 'null = unlimited' },
    group_id: nullableString,
    settings: tenantSettingsSchema,
    version: { type: 'integer', minimum: 1 },
    created_at: dateTime,
    updated_at: dateTime,
    database: {
      type: 'string',
      pattern: TENANT_DATABASE_NAME_PATTERN,
      description: 'v1.1: the tenant database holding its schema; absent in older events, which mean `main`',
    },
    move: tenantMoveStatusSchema,
  },
} as const;
