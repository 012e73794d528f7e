import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The DTE issuer of a tenant schema: one row (id 1), copied from the tenant's control data. */
export const Issuer = defineEntity({
  name: 'Issuer',
  tableName: 'issuer',
  // Wildcard: the same entity maps `issuer` in every tenant schema; callers pass `{ schema }`.
  schema: '*',
  properties: {
    id: p.smallint().primary().autoincrement(false).default(1),
    rut: p.string().length(12).nullable(),
    razon_social: p.string().length(200),
    giro: p.string().length(255).nullable(),
    address: p.string().length(255).nullable(),
    commune: p.string().length(100).nullable(),
    city: p.string().length(100).nullable(),
    // Tenant version the row was copied from; bigint column, read as a JS number (versions stay small).
    source_version: p.bigint('number').default(0),
    updated_at: p.datetime().defaultRaw('now()'),
  },
});

export type IssuerRow = InferEntity<typeof Issuer>;
