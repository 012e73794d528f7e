import { defineEntity, p } from '@mikro-orm/core';

export const MEMBER_ROLES = ['admin', 'developer', 'readonly', 'auditor'] as const;
export const MEMBER_STATUSES = ['active', 'passive', 'banned', 'invited'] as const;

export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    tenant_id: p.uuid().primary(),
    user_id: p.uuid().primary(),
    role: p.enum(MEMBER_ROLES),
    status: p.enum(MEMBER_STATUSES),
    joined_at: p.datetime().onCreate(() => new Date()),
    last_login_at: p.datetime().nullable(),
  },
});
