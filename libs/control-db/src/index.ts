export { createControlOrm, controlOrmOptions, migrateControlSchema, hasControlSchema, type ControlOrm, type ControlOrmOptions } from './orm/control-orm.ts';
export { ensureDatabase } from './orm/ensure-database.ts';
export * from './entities/index.ts';
export * from './errors.ts';
export { toTenantSnapshot, countryName } from './tenants/tenant-snapshot.ts';
export { appendTenantEvent, OUTBOX_CHANNEL, type EventMeta } from './tenants/append-tenant-event.ts';
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
} from './tenants/tenant-commands.ts';
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
} from './tenants/tenant-queries.ts';
export { findCaller, type CallerRecord } from './users/caller.ts';
export { findUserByEmail, findUserById, createUser, ensureSuperuser, touchLastLogin, type UserRecord, type NewUser } from './users/users.ts';
export * from './outbox/relay-queries.ts';
export { readTenantReplay, schemaExists, type TenantReplaySource } from './outbox/tenant-replay.ts';
export { addMember, updateMember, removeMember, getMember, MemberNotFoundError, type AddMemberInput, type MemberRole, type MembershipStatus } from './members/member-commands.ts';
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
} from './idempotency/idempotency.ts';
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
} from './directory/directory-queries.ts';
export { recordSchemaVersion, recordSchemaVersions, readSchemaLedger, type SchemaLedgerEntry, type SchemaVersionRecordOutcome } from './schema-ledger/record-schema-version.ts';
export * from './databases/index.ts';
export * from './moves/index.ts';
export { readTenantMemberCounts, type TenantMemberCounts } from './tenants/tenant-member-counts.ts';
export * from './archive/index.ts';
export { readTenantStatusCounts, type TenantStatusCounts } from './tenants/tenant-status-counts.ts';
export { readTenantLabels, type TenantLabel } from './tenants/tenant-labels.ts';
export * from './purges/index.ts';
export * from './subject-keys/index.ts';
export * from './erasure/index.ts';
