import { TENANT_DATABASE_NAME } from '@tenantry/control-db';
import {
  BUSINESS_TYPES,
  CLOUDEVENTS_SPEC_VERSION,
  DATA_CONTENT_TYPE,
  TENANT_EVENT_TYPES,
  TENANT_SNAPSHOT_ADDED_FIELDS,
  TENANT_SNAPSHOT_FIELDS,
  TENANT_STATUSES,
  USER_STATUS_CHANGES,
  economicActivitySchema,
  tenantMemberSchema,
  tenantSnapshotSchema as eventTenantSnapshotSchema,
} from '@tenantry/tenant-events';

const databaseName = { type: 'string', pattern: TENANT_DATABASE_NAME.source, examples: ['main'] } as const;

const nullableText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

/** The writable fields of §2. Business rules (RUT check digit, ISO lists) are checked after the schema. */
export const tenantWritableProperties = {
  name: { type: 'string', minLength: 5, maxLength: 200, examples: ['Comercial Andes SpA'] },
  slug: { type: 'string', minLength: 3, maxLength: 63, pattern: '^[a-z0-9-]+$', examples: ['comercial-andes'] },
  description: nullableText(2000),
  business_type: { type: 'string', enum: BUSINESS_TYPES },
  rut: { type: ['string', 'null'], maxLength: 16, examples: ['76.086.428-5'] },
  address: nullableText(255),
  commune: nullableText(100),
  city: nullableText(100),
  post_code: nullableText(20),
  country_code: { type: 'string', minLength: 2, maxLength: 2, examples: ['CL'] },
  giro: nullableText(255),
  billing_day: { type: 'integer', minimum: 1, maximum: 31 },
  economic_activities: {
    type: 'array',
    maxItems: 100,
    items: {
      ...economicActivitySchema,
      additionalProperties: false,
      properties: { ...economicActivitySchema.properties, name: { type: 'string', minLength: 1, maxLength: 255 } },
    },
  },
  plan_id: { type: 'string', enum: ['free', 'starter', 'business', 'enterprise'] },
  user_limit: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000 },
  group_id: { type: ['string', 'null'], format: 'uuid' },
  settings: {
    type: 'object',
    additionalProperties: false,
    properties: {
      default_currency: { type: 'string', pattern: '^[A-Z]{3}$', examples: ['CLP'] },
      timezone: { type: 'string', minLength: 1, maxLength: 64, examples: ['America/Santiago'] },
    },
  },
} as const;

export const createTenantBodySchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    ...tenantWritableProperties,
    admin: {
      type: 'object',
      required: ['email'],
      additionalProperties: false,
      description: 'This user (created if missing) becomes the first admin; without it, the caller does.',
      properties: {
        email: { type: 'string', format: 'email', maxLength: 254 },
        first_name: { type: 'string', maxLength: 100 },
        last_name: { type: 'string', maxLength: 100 },
        password: { type: 'string', minLength: 8, maxLength: 200 },
      },
    },
    database: { ...databaseName, description: 'Superuser only: the open tenant database to place it on; without it, the open one with the fewest tenants.' },
  },
} as const;

export const patchTenantBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: tenantWritableProperties,
} as const;

export const memberRoleSchema = { type: 'string', enum: ['admin', 'developer', 'readonly', 'auditor'] } as const;

export const memberSchema = {
  type: 'object',
  required: ['user_id', 'email', 'first_name', 'last_name', 'role', 'status', 'joined_at', 'last_login_at'],
  properties: {
    user_id: { type: 'string' },
    email: { type: 'string' },
    first_name: { type: ['string', 'null'] },
    last_name: { type: ['string', 'null'] },
    role: { type: 'string' },
    status: { type: 'string' },
    joined_at: { type: 'string', format: 'date-time' },
    last_login_at: { type: ['string', 'null'] },
  },
} as const;

/**
 * The snapshot as the API answers it: the event contract's schema, with the fields added within v1
 * (`database`, `move`) required too. Events may predate them; an API answer never lacks them.
 */
const tenantSnapshotSchema = { ...eventTenantSnapshotSchema, required: [...TENANT_SNAPSHOT_FIELDS, ...TENANT_SNAPSHOT_ADDED_FIELDS] } as const;

export const tenantSchema = { $id: 'Tenant', ...tenantSnapshotSchema } as const;

export const tenantWithMembersSchema = {
  $id: 'TenantWithMembers',
  ...tenantSnapshotSchema,
  title: 'TenantWithMembers',
  required: [...tenantSnapshotSchema.required, 'members'],
  properties: { ...tenantSnapshotSchema.properties, members: { type: 'array', items: memberSchema } },
} as const;

export const tenantListItemSchema = {
  ...tenantSnapshotSchema,
  title: 'TenantListItem',
  properties: {
    ...tenantSnapshotSchema.properties,
    user_role: { type: 'string', description: "The caller's role (only for non-superusers)" },
  },
} as const;

export const tenantIdParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export const tenantListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    cursor: { type: 'string', maxLength: 200 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    status: { type: 'string', enum: TENANT_STATUSES },
    business_type: { type: 'string', enum: BUSINESS_TYPES },
    group_id: { type: 'string', format: 'uuid' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    q: { type: 'string', minLength: 1, maxLength: 200 },
    database: databaseName,
  },
} as const;

export const tenantFilterQuerySchema = {
  ...tenantListQuerySchema,
  properties: (({ limit: _l, cursor: _c, offset: _o, ...rest }) => rest)(tenantListQuerySchema.properties),
} as const;

export const statusChangeBodySchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { user_status: { type: 'string', enum: ['passive', 'active', 'banned'] } },
} as const;

/**
 * One entry of a tenant's event history: the CloudEvent as it was published on tenant.events
 * (libs/tenant-events has the per-type schemas; here `data` lists every field any tenant event
 * type carries, and unknown fields pass through, as the contract allows within v1).
 */
export const tenantEventSchema = {
  $id: 'TenantEvent',
  type: 'object',
  additionalProperties: true,
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'tenantversion', 'data'],
  properties: {
    specversion: { type: 'string', enum: [CLOUDEVENTS_SPEC_VERSION] },
    id: { type: 'string', description: 'UUIDv7' },
    source: { type: 'string' },
    type: { type: 'string', enum: TENANT_EVENT_TYPES },
    subject: { type: 'string', description: 'The tenant id' },
    time: { type: 'string', format: 'date-time' },
    datacontenttype: { type: 'string', enum: [DATA_CONTENT_TYPE] },
    tenantversion: { type: 'integer', minimum: 1 },
    traceparent: { type: 'string', description: 'W3C trace context of the request that caused it' },
    data: {
      type: 'object',
      additionalProperties: true,
      required: ['tenant'],
      properties: {
        tenant: { $ref: 'Tenant#' },
        changed_fields: { type: 'array', items: { type: 'string' }, description: 'TenantUpdated' },
        user_status: { type: ['string', 'null'], enum: [...USER_STATUS_CHANGES, null], description: 'TenantDeactivated, TenantActivated' },
        error: { type: 'string', description: 'TenantProvisioningFailed' },
        member: { ...tenantMemberSchema, additionalProperties: true, description: 'TenantMember*' },
        from: { type: 'string', description: 'TenantMoved: the database the tenant left' },
        to: { type: 'string', description: 'TenantMoved: the database the tenant lives on now' },
      },
    },
  },
} as const;
