import { Migration20261122000000_control } from './Migration20261122000000_control.ts';
import { Migration20261122010000_idempotency } from './Migration20261122010000_idempotency.ts';
import { Migration20261202000000_tenant_databases } from './Migration20261202000000_tenant_databases.ts';
import { Migration20261203000000_purge_and_subject_keys } from './Migration20261203000000_purge_and_subject_keys.ts';

/** Control-schema migrations in order; listed explicitly so no file globbing is needed at run time. */
export const controlMigrations = [
  { name: 'Migration20261122000000_control', class: Migration20261122000000_control },
  { name: 'Migration20261122010000_idempotency', class: Migration20261122010000_idempotency },
  { name: 'Migration20261202000000_tenant_databases', class: Migration20261202000000_tenant_databases },
  { name: 'Migration20261203000000_purge_and_subject_keys', class: Migration20261203000000_purge_and_subject_keys },
];
