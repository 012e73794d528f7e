import type { components } from './generated/tenant-api.ts';

type Schemas = components['schemas'];

/** The shared schemas of the document under their own names. */
export type Tenant = Schemas['Tenant'];
export type TenantWithMembers = Schemas['TenantWithMembers'];
export type TenantEvent = Schemas['TenantEvent'];
export type User = Schemas['User'];
export type Problem = Schemas['Problem'];
export type Member = TenantWithMembers['members'][number];
