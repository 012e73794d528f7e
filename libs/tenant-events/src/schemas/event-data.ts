import { USER_STATUS_CHANGES } from '../member.ts';
import { TENANT_DATABASE_NAME_PATTERN } from '../tenant-snapshot.ts';
import type { EventType } from '../event-types.ts';
import { wireTenantMemberSchema, wireTenantSnapshotSchema } from './sealed-value.ts';
import { TENANT_SCHEMA_NAME_PATTERN } from '../tenant-schema-name.ts';

// `data` schemas. Like the snapshot they leave additionalProperties open: consumers ignore what
// they do not know, producers may add optional fields within v1.

const tenantData = <P extends Record<string, object>, R extends readonly string[]>(extra: P, required: R) =>
  ({
    type: 'object',
    required: ['tenant', ...required] as const,
    properties: { tenant: wireTenantSnapshotSchema, ...extra },
  }) as const;

const userStatus = { type: ['string', 'null'], enum: [...USER_STATUS_CHANGES, null] } as const;

export const tenantEventDataSchema = tenantData({}, []);
export const tenantUpdatedDataSchema = tenantData(
  { changed_fields: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true } },
  ['changed_fields'] as const,
);
export const tenantDeactivatedDataSchema = tenantData({ user_status: userStatus }, ['user_status'] as const);
export const tenantActivatedDataSchema = tenantData({ user_status: userStatus }, []);
export const tenantProvisioningFailedDataSchema = tenantData({ error: { type: 'string', minLength: 1 } }, ['error'] as const);
export const tenantMemberEventDataSchema = tenantData({ member: wireTenantMemberSchema }, ['member'] as const);
const databaseName = { type: 'string', pattern: TENANT_DATABASE_NAME_PATTERN } as const;
export const tenantMovedDataSchema = tenantData(
  { from: { ...databaseName, description: 'the database it left' }, to: { ...databaseName, description: 'the database it is on now' } },
  ['from', 'to'] as const,
);

export const tenantPurgedDataSchema = tenantData({ purged_at: { type: 'string', format: 'date-time' } }, ['purged_at'] as const);

export const tenantSchemaProvisionedDataSchema = {
  type: 'object',
  required: ['schema_name', 'schema_version', 'duration_ms'],
  properties: {
    schema_name: { type: 'string', pattern: TENANT_SCHEMA_NAME_PATTERN },
    schema_version: { type: 'string', minLength: 1 },
    duration_ms: { type: 'number', minimum: 0 },
    database: { ...databaseName, description: 'v1.1: the tenant database the schema and role were built on' },
  },
} as const;

export const tenantSchemaProvisioningFailedDataSchema = {
  type: 'object',
  required: ['error', 'attempt'],
  properties: {
    error: { type: 'string', minLength: 1 },
    attempt: { type: 'integer', minimum: 1 },
  },
} as const;

/** The `data` schema of each event type. */
export const eventDataSchemas = {
  TenantCreated: tenantEventDataSchema,
  TenantUpdated: tenantUpdatedDataSchema,
  TenantDeactivated: tenantDeactivatedDataSchema,
  TenantActivated: tenantActivatedDataSchema,
  TenantSuspended: tenantEventDataSchema,
  TenantProvisioned: tenantEventDataSchema,
  TenantProvisioningFailed: tenantProvisioningFailedDataSchema,
  TenantProvisionRequested: tenantEventDataSchema,
  TenantMemberAdded: tenantMemberEventDataSchema,
  TenantMemberUpdated: tenantMemberEventDataSchema,
  TenantMemberRemoved: tenantMemberEventDataSchema,
  TenantMoved: tenantMovedDataSchema,
  TenantPurged: tenantPurgedDataSchema,
  TenantSchemaProvisioned: tenantSchemaProvisionedDataSchema,
  TenantSchemaProvisioningFailed: tenantSchemaProvisioningFailedDataSchema,
} as const satisfies Record<EventType, object>;
