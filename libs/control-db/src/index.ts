export { createControlOrm, controlOrmOptions, migrateControlSchema, hasControlSchema, type ControlOrm, type ControlOrmOptions } from './orm/index.ts';
export { ensureDatabase, pingControlDb } from './orm/index.ts';
export * from './entities/index.ts';
export * from './errors.ts';
export { toTenantSnapshot, countryName } from './rows/index.ts';
export { appendTenantEvent } from './tenants/index.ts';
export { OUTBOX_CHANNEL, type EventMeta } from './outbox/index.ts';
export {
  createTenant,
  updateTenant,
  changeTenantStatus,
  recordProvisioningOutcome,
  requestProvisioning,
  type TenantFields,
  type TenantPatch,
  type CreateTenantInput,
  type NewTenantAdmin,
  type StatusAction,
  type MemberStatus,
  type ProvisioningOutcome,
  type VersionPrecondition,
} from './tenants/index.ts';
export {
  readTenantAs,
  listTenantsAs,
  countTenants,
  listMembers,
  memberRole,
  tenantAccessOf,
  type TenantAccess,
  InvalidCursorError,
  type Member,
  type TenantListFilter,
  type TenantPage,
  type TenantPageRead,
  type TenantRead,
  type TenantWithMembers,
} from './tenants/index.ts';
export { findCaller } from './users/index.ts';
export type { CallerRecord } from './rows/index.ts';
export { findUserByEmail, findUserById, createUser, ensureSuperuser, touchLastLogin, type UserRecord, type NewUser } from './users/index.ts';
export {
  tryAcquireRelayLock,
  fetchOutboxBatch,
  markPublished,
  outboxStatus,
  readOutboxOverview,
  OUTBOX_RELAY_LOCK,
  type SqlClient,
  type OutboxEntry,
  type OutboxStatus,
  type OutboxOverview,
} from './outbox/index.ts';
export { readTenantReplay, schemaExists, type TenantReplaySource } from './outbox/index.ts';
export { addMember, updateMember, removeMember, getMember, MemberNotFoundError, type AddMemberInput, type MemberRole, type MembershipStatus } from './members/index.ts';
export {
  findIdempotentAnswer,
  idempotently,
  storeIdempotentAnswer,
  sweepExpiredIdempotencyKeys,
  IdempotencyKeyTakenError,
  IDEMPOTENCY_TTL_HOURS,
  type IdempotencyLookup,
  type IdempotencyScope,
  type IdempotentAnswer,
  type IdempotentCommand,
} from './idempotency/index.ts';
export {
  listPlans,
  createTenantGroup,
  listTenantGroups,
  tenantGroupExists,
  listUserMemberships,
  listTenantEventHistory,
  type PlanRecord,
  type TenantGroupRecord,
  type UserMembership,
  type EventHistoryPage,
} from './directory/index.ts';
export { recordSchemaVersion, recordSchemaVersions, readSchemaLedger, type SchemaLedgerEntry, type SchemaVersionRecordOutcome } from './schema-ledger/index.ts';
export * from './databases/index.ts';
export * from './moves/index.ts';
export { readTenantMemberCounts, type TenantMemberCounts } from './tenants/index.ts';
export * from './archive/index.ts';
export { readTenantStatusCounts, type TenantStatusCounts } from './tenants/index.ts';
export { readTenantLabels, type TenantLabel } from './tenants/index.ts';
export * from './purges/index.ts';
export * from './subject-keys/index.ts';
export * from './erasure/index.ts';
