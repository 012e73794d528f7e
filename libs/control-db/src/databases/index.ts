export {
  readTenantDatabases,
  readTenantPlacement,
  registerTenantDatabase,
  setTenantDatabaseStatus,
  assertTenantDatabaseName,
  MAIN_DATABASE,
  TENANT_DATABASE_NAME,
  type Queryable,
  type TenantDatabaseRecord,
  type TenantDatabaseStatus,
  type TenantPlacement,
} from './tenant-databases.ts';
export {
  UnknownTenantDatabaseError,
  TenantDatabaseNameTakenError,
  InvalidTenantDatabaseNameError,
  TenantDatabaseDrainingError,
  NoOpenTenantDatabaseError,
} from './errors.ts';
export { placeNewTenant } from './placement.ts';
