export { buildTenantSnapshot, buildTenantMember } from './fixtures.ts';
