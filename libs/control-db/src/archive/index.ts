export type { TenantControlRows, ArchivedMember, ArchivedEvent } from './tenant-control-rows.ts';
export { readTenantControlRows } from './read-tenant-control-rows.ts';
export { restoreTenantControlRows, assertTenantImportable, placeImportedTenant, erasedUserIds, TenantExistsError, type RestoreTarget } from './restore-tenant-control-rows.ts';
