import { defineEntity, p } from '@mikro-orm/core';
import type { TenantEvent } from '@tenantry/tenant-events';

/** One row of the event log; rows with `published_at` null are the outbox. */
export const TenantEventRecord = defineEntity({
  name: 'TenantEventRecord',
  tableName: 'tenant_events',
  properties: {
    seq: p.bigint('string').primary().autoincrement(),
    id: p.uuid(),
    tenant_id: p.uuid(),
    tenant_version: p.integer(),
    type: p.string(),
    event: p.json<TenantEvent>(),
    created_at: p.datetime().onCreate(() => new Date()),
    published_at: p.datetime().nullable(),
  },
});
