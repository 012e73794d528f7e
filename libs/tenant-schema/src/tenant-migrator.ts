import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantMigration } from '@tenantry/tenant-migrations';

/**
 * A migrator that runs exactly the given migrations. A new one is built for every provisioning
 * attempt on purpose: MikroORM's migration storage remembers "tracking table exists" per schema
 * even when the transaction that created it rolled back, so a shared migrator makes the retry of a
 * failed provisioning fail with `relation "<schema>.mikro_orm_migrations" does not exist`.
 */
class ListedMigrator extends Migrator {
  readonly #migrations: readonly TenantMigration[];

  constructor(em: EntityManager, migrations: readonly TenantMigration[]) {
    super(em);
    this.#migrations = migrations;
  }

  protected override async discoverMigrations() {
    return this.#migrations.map((migration) => this.initialize(migration.class, migration.name));
  }
}

export function createTenantMigrator(em: EntityManager, migrations: readonly TenantMigration[]): Migrator {
  return new ListedMigrator(em, migrations);
}
