export { Plan } from './plan.ts';
export { TenantGroup } from './tenant-group.ts';
export { User, USER_STATUSES } from './user.ts';
export { Tenant, type TenantRow } from './tenant.ts';
export { Membership, MEMBER_ROLES, MEMBER_STATUSES } from './membership.ts';
export { TenantEventRecord } from './tenant-event-record.ts';
