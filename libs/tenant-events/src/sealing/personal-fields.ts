/** Snapshot fields sealed with the tenant's key (`tenant:<id>`) from contract v2. */
export const SEALED_TENANT_FIELDS = ['name', 'slug', 'description', 'rut', 'address'] as const;

/** Member fields sealed with the user's key (`user:<user_id>`) from contract v2. */
export const SEALED_MEMBER_FIELDS = ['email', 'first_name', 'last_name'] as const;

export const tenantKeyId = (tenantId: string) => `tenant:${tenantId}`;
export const userKeyId = (userId: string) => `user:${userId}`;
