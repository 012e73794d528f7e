import { defineEntity, p } from '@mikro-orm/core';

export const TenantGroup = defineEntity({
  name: 'TenantGroup',
  tableName: 'tenant_groups',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    created_at: p.datetime().onCreate(() => new Date()),
  },
});
