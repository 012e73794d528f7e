import type { CloudEventEnvelope } from './envelope.ts';
import type { TenantMember, UserStatusChange } from './member.ts';
import type { TenantSnapshot } from './tenant-snapshot.ts';

/** Types written by tenant-api on tenant.events (key: tenant id). */
export const TENANT_EVENT_TYPES = [
  'TenantCreated',
  'TenantUpdated',
  'TenantDeactivated',
  'TenantActivated',
  'TenantSuspended',
  'TenantProvisioned',
  'TenantProvisioningFailed',
  'TenantProvisionRequested',
  'TenantMemberAdded',
  'TenantMemberUpdated',
  'TenantMemberRemoved',
  'TenantMoved',
  'TenantPurged',
] as const;
export type TenantEventType = (typeof TENANT_EVENT_TYPES)[number];

/** Types written by the provisioner on tenant.provisioning (key: tenant id). */
export const PROVISIONING_EVENT_TYPES = ['TenantSchemaProvisioned', 'TenantSchemaProvisioningFailed'] as const;
export type ProvisioningEventType = (typeof PROVISIONING_EVENT_TYPES)[number];

export const EVENT_TYPES = [...TENANT_EVENT_TYPES, ...PROVISIONING_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Which logical topic (before the configured prefix) carries a type. */
export type EventTopic = 'tenant.events' | 'tenant.provisioning';

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
}

export function isTenantEventType(type: unknown): type is TenantEventType {
  return typeof type === 'string' && (TENANT_EVENT_TYPES as readonly string[]).includes(type);
}

export function topicOf(type: EventType): EventTopic {
  return isTenantEventType(type) ? 'tenant.events' : 'tenant.provisioning';
}

/** Every tenant.events payload carries the full snapshot after the change. */
export interface TenantEventData {
  tenant: TenantSnapshot;
}

export interface TenantUpdatedData extends TenantEventData {
  /** Snapshot field names whose value changed; never empty. */
  changed_fields: string[];
}

export interface TenantDeactivatedData extends TenantEventData {
  /** Status forced on every membership, or null when memberships were left alone. */
  user_status: UserStatusChange | null;
}

export interface TenantActivatedData extends TenantEventData {
  /** As for TenantDeactivated; optional (additive to the §4 list). */
  user_status?: UserStatusChange | null;
}

export interface TenantProvisioningFailedData extends TenantEventData {
  /** Human-readable reason reported by the provisioner. */
  error: string;
}

export interface TenantMemberEventData extends TenantEventData {
  /** The member after the change (for TenantMemberRemoved: its last state). */
  member: TenantMember;
}

export interface TenantSchemaProvisionedData {
  schema_name: string;
  /** Name of the last tenant migration applied. */
  schema_version: string;
  duration_ms: number;
  /** v1.1: the tenant database the schema and role were built on (absent in older reports: `main`). */
  database?: string;
}

export interface TenantSchemaProvisioningFailedData {
  error: string;
  /**
   * The provisioner's in-process tries of this message when it gave up: 1 for the first, +1 per
   * retry by its consumer runner. A redelivery or a restart counts from 1 again.
   */
  attempt: number;
}

/** v1.1: the tenant's schema now lives on another tenant database (the snapshot's `database` is `to`). */
export interface TenantMovedData extends TenantEventData {
  /** The database it left. */
  from: string;
  /** The database it is on now. */
  to: string;
}

/** v2: the tenant was purged; the snapshot is its tombstone (status `purged`, no name, slug, rut, address or description). */
export interface TenantPurgedData extends TenantEventData {
  /** When the purge finished, ISO 8601 UTC. */
  purged_at: string;
}

/** Payload type per event type. */
export interface EventDataMap {
  TenantCreated: TenantEventData;
  TenantUpdated: TenantUpdatedData;
  TenantDeactivated: TenantDeactivatedData;
  TenantActivated: TenantActivatedData;
  TenantSuspended: TenantEventData;
  TenantProvisioned: TenantEventData;
  TenantProvisioningFailed: TenantProvisioningFailedData;
  TenantProvisionRequested: TenantEventData;
  TenantMemberAdded: TenantMemberEventData;
  TenantMemberUpdated: TenantMemberEventData;
  TenantMemberRemoved: TenantMemberEventData;
  TenantMoved: TenantMovedData;
  TenantPurged: TenantPurgedData;
  TenantSchemaProvisioned: TenantSchemaProvisionedData;
  TenantSchemaProvisioningFailed: TenantSchemaProvisioningFailedData;
}

/**
 * A Tenantry event, discriminated by `type`: `switch (event.type)` narrows `event.data`.
 * `TenantEvent<'TenantUpdated'>` is one member; `TenantEvent` is the union of all.
 */
export type TenantEvent<T extends EventType = EventType> = {
  [K in T]: CloudEventEnvelope<K, EventDataMap[K]>;
}[T];

/** Events on tenant.events. */
export type TenantLifecycleEvent = TenantEvent<TenantEventType>;
/** Events on tenant.provisioning. */
export type ProvisioningEvent = TenantEvent<ProvisioningEventType>;
