export { readTopTenants } from './top-tenants.ts';
export type { TopTenants, TopTenant, DatabaseUsageSource } from './top-tenants.ts';
