import { Migration } from '@mikro-orm/migrations';
import { tenantMigrations as shipped, type TenantMigration } from '@tenantry/tenant-migrations';

/** A second tenant migration, as a fleet would get it: a column and an index on an existing table. */
export class Migration20991231000000_user_locale extends Migration {
  override up(): void {
    this.addSql(`alter table users add column locale varchar(16) null`);
    this.addSql(`create index users_locale_index on users (locale)`);
  }

  override down(): void {
    this.addSql(`drop index if exists users_locale_index`);
    this.addSql(`alter table users drop column if exists locale`);
  }
}

export const SECOND_MIGRATION = 'Migration20991231000000_user_locale';

/**
 * The shipped migrations plus the fixture. The CLI loads this module through its hidden
 * `--migrations-module` option, so the child-process tests and the engine tests share one list.
 */
export const tenantMigrations: readonly TenantMigration[] = [...shipped, { name: SECOND_MIGRATION, class: Migration20991231000000_user_locale }];
