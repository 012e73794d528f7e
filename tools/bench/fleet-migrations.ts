import { Migration } from '@mikro-orm/migrations';
import { tenantMigrations as shipped, type TenantMigration } from '@tenantry/tenant-migrations';

/** The benchmark's added migration, as a fleet would get one: a column and an index on an existing table. */
export class Migration20991231235900_bench_user_locale extends Migration {
  override up(): void {
    this.addSql(`alter table users add column bench_locale varchar(16) null`);
    this.addSql(`create index users_bench_locale_index on users (bench_locale)`);
  }

  override down(): void {
    this.addSql(`drop index if exists users_bench_locale_index`);
    this.addSql(`alter table users drop column if exists bench_locale`);
  }
}

export const BENCH_MIGRATION = 'Migration20991231235900_bench_user_locale';

/** Loaded by `tenantry migrate status|up --migrations-module tools/bench/fleet-migrations.ts`. */
export const tenantMigrations: readonly TenantMigration[] = [...shipped, { name: BENCH_MIGRATION, class: Migration20991231235900_bench_user_locale }];
