export { createControlOrm, controlOrmOptions, migrateControlSchema, type ControlOrm, type ControlOrmOptions } from './control-orm.ts';
export { ensureDatabase, quoteIdentifier } from './ensure-database.ts';
export * from './entities/index.ts';
export * from './errors.ts';
export { toTenantSnapshot, countryName } from './tenant-snapshot.ts';
export { appendTenantEvent, OUTBOX_CHANNEL, type EventMeta } from './tenant-event-log.ts';
export {
  createTenant,
  updateTenant,
  changeTenantStatus,
  recordProvisioningOutcome,
  requestProvisioning,
  schemaNameForTenant,
  type TenantFields,
  type TenantPatch,
  type StatusAction,
  type MemberStatus,
  type ProvisioningOutcome,
} from './tenant-commands.ts';
export {
  getTenant,
  listTenants,
  countTenants,
  listMembers,
  memberRole,
  InvalidCursorError,
  type Member,
  type TenantListFilter,
  type TenantPage,
} from './tenant-queries.ts';
export { findUserByEmail, findUserById, createUser, ensureSuperuser, touchLastLogin, type UserRecord, type NewUser } from './users.ts';
export * from './outbox.ts';
