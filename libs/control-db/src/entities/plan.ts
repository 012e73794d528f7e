import { defineEntity, p } from '@mikro-orm/core';

export const Plan = defineEntity({
  name: 'Plan',
  tableName: 'plans',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    user_limit: p.integer().nullable(),
  },
});
