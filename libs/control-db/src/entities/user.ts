import { defineEntity, p } from '@mikro-orm/core';

export const USER_STATUSES = ['active', 'invited', 'disabled', 'erased'] as const;

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    /** Null only on an erased user's tombstone. */
    email: p.string().nullable(),
    password_hash: p.string().nullable().hidden(),
    first_name: p.string().nullable(),
    last_name: p.string().nullable(),
    superuser: p.boolean().default(false),
    permissions: p.array().default([]),
    status: p.enum(USER_STATUSES).default('active'),
    created_at: p.datetime().onCreate(() => new Date()),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    last_login_at: p.datetime().nullable(),
    erased_at: p.datetime().nullable(),
  },
});
