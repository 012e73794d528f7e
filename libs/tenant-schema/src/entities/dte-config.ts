import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** SII electronic invoicing settings of the tenant: one row (id 1). */
export const DteConfig = defineEntity({
  name: 'DteConfig',
  tableName: 'dte_config',
  schema: '*',
  properties: {
    id: p.smallint().primary().autoincrement(false).default(1),
    environment: p.enum(['certification', 'production'] as const).default('certification'),
    resolution_number: p.integer().nullable(),
    resolution_date: p.date().nullable(),
    updated_at: p.datetime().defaultRaw('now()'),
  },
});

export type DteConfigRow = InferEntity<typeof DteConfig>;
