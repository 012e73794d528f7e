// The tenant schemas: one folder per concern, each folder's index its only door.
export * from './schema/index.ts';
export * from './provision/index.ts';
export * from './migrate/index.ts';
export * from './issuer/index.ts';
export { TenantSchemaError, InvalidTenantIdError, InvalidIdentifierError } from './errors.ts';
export { Issuer, EconomicActivity, Location, DteConfig, tenantSchemaEntities } from './entities/index.ts';
export type { IssuerRow, EconomicActivityRow, LocationRow, DteConfigRow } from './entities/index.ts';
export * from './fleet/index.ts';
export * from './move/index.ts';
export * from './server-probe/index.ts';
export * from './statistics/index.ts';
export * from './archive/index.ts';
export * from './erasure/index.ts';
