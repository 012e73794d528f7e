export {
  BUSINESS_TYPES,
  TENANT_STATUSES,
  ECONOMIC_ACTIVITY_CATEGORIES,
  TENANT_SNAPSHOT_FIELDS,
  TENANT_SNAPSHOT_ADDED_FIELDS,
  MAIN_TENANT_DATABASE,
  TENANT_DATABASE_NAME_PATTERN,
  tenantDatabaseOf,
} from './tenant-snapshot.ts';
export type {
  BusinessType,
  TenantStatus,
  EconomicActivityCategory,
  EconomicActivity,
  TenantSettings,
  TenantSnapshot,
  TenantMoveStatus,
} from './tenant-snapshot.ts';
export { normalizeRut, rutCheckDigit } from './rut.ts';
export { TENANT_SCHEMA_NAME_PATTERN, tenantSchemaName } from './tenant-schema-name.ts';
export { MEMBER_ROLES, MEMBER_STATUSES, USER_STATUS_CHANGES } from './member.ts';
export type { MemberRole, MemberStatus, UserStatusChange, TenantMember } from './member.ts';
export { CLOUDEVENTS_SPEC_VERSION, DATA_CONTENT_TYPE, CLOUDEVENTS_CONTENT_TYPE, EVENT_SOURCES } from './envelope.ts';
export type { CloudEventEnvelope } from './envelope.ts';
export {
  TENANT_EVENT_TYPES,
  PROVISIONING_EVENT_TYPES,
  EVENT_TYPES,
  isEventType,
  isTenantEventType,
  topicOf,
} from './event-types.ts';
export type {
  TenantEventType,
  ProvisioningEventType,
  EventType,
  EventTopic,
  EventDataMap,
  TenantEventData,
  TenantUpdatedData,
  TenantDeactivatedData,
  TenantActivatedData,
  TenantProvisioningFailedData,
  TenantMemberEventData,
  TenantMovedData,
  TenantPurgedData,
  TenantSchemaProvisionedData,
  TenantSchemaProvisioningFailedData,
  TenantEvent,
  TenantLifecycleEvent,
  ProvisioningEvent,
} from './event-types.ts';
export { tenantSnapshotSchema, economicActivitySchema, tenantSettingsSchema, tenantMoveStatusSchema } from './schemas/tenant-snapshot.ts';
export { tenantMemberSchema } from './schemas/member.ts';
export { sealedValueSchema, wireTenantSnapshotSchema, wireTenantMemberSchema } from './schemas/sealed-value.ts';
export { eventDataSchemas } from './schemas/event-data.ts';
export { cloudEventCoreSchema, tenantEventEnvelopeSchema, eventSchemas } from './schemas/envelope.ts';
export { EventValidationError } from './errors.ts';
export { validateEvent } from './validator.ts';
export { createTenantEvent } from './create-event.ts';
export type { CreateEventOptions, CreateProvisioningEventOptions } from './create-event.ts';
export { serializeEvent, parseEvent } from './serializer.ts';
export type { ParsedEvent } from './serializer.ts';
export { toKafkaMessage } from './kafka-message.ts';
export type { EventKafkaMessage } from './kafka-message.ts';
export { createEventDispatcher } from './dispatcher.ts';
export type { EventHandlers, EventDispatcherOptions, EventMessage } from './dispatcher.ts';
export * from './sealing/index.ts';
export { CONTRACT_VERSION } from './contract-version.ts';
