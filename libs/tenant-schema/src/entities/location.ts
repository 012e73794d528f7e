import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A branch of the tenant; the one with `is_main` is the "casa matriz" seeded from the tenant address. */
export const Location = defineEntity({
  name: 'Location',
  tableName: 'locations',
  schema: '*',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(200),
    address: p.string().length(255).nullable(),
    commune: p.string().length(100).nullable(),
    city: p.string().length(100).nullable(),
    is_main: p.boolean().default(false),
    created_at: p.datetime().defaultRaw('now()'),
    updated_at: p.datetime().defaultRaw('now()'),
  },
});

export type LocationRow = InferEntity<typeof Location>;
