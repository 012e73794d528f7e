import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One ACTECO economic activity of the issuer. */
export const EconomicActivity = defineEntity({
  name: 'EconomicActivity',
  tableName: 'economic_activities',
  schema: '*',
  properties: {
    id: p.integer().primary(),
    code: p.character().length(6).unique(),
    name: p.string().length(255),
    category: p.enum(['1ra', '2da'] as const),
    taxable: p.boolean().default(true),
  },
});

export type EconomicActivityRow = InferEntity<typeof EconomicActivity>;
