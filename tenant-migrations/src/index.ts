import type { Migration } from '@mikro-orm/migrations';
import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';

/** One tenant migration: the name recorded in each schema's `mikro_orm_migrations` and its class. */
export interface TenantMigration {
  name: string;
  class: new (...args: ConstructorParameters<typeof Migration>) => Migration;
}

/**
 * Every tenant migration, oldest first. Listed explicitly (no file globbing) so the list works the
 * same under Node type stripping, jest ESM and a bundle. Append new migrations at the end; never
 * rename or reorder one that has shipped.
 */
export const tenantMigrations: readonly TenantMigration[] = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
];

/** Name of the newest tenant migration: what `schema_version` reads once a schema is up to date. */
export const LATEST_TENANT_MIGRATION: string = tenantMigrations[tenantMigrations.length - 1].name;
