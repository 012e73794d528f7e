import { Migration } from '@mikro-orm/migrations';
import type { TenantMigration } from '@tenantry/tenant-migrations';
import { tenantMigrations as withSecond } from './fleet-migrations.ts';

/**
 * A third migration (column + index on `products`) that also sleeps ~40 ms per schema, so a test
 * can kill `migrate up` while it is demonstrably in the middle of the fleet.
 */
export class Migration20991231000001_product_barcode extends Migration {
  override up(): void {
    this.addSql(`select pg_sleep(0.04)`);
    this.addSql(`alter table products add column barcode varchar(32) null`);
    this.addSql(`create index products_barcode_index on products (barcode)`);
  }

  override down(): void {
    this.addSql(`drop index if exists products_barcode_index`);
    this.addSql(`alter table products drop column if exists barcode`);
  }
}

export const THIRD_MIGRATION = 'Migration20991231000001_product_barcode';

export const tenantMigrations: readonly TenantMigration[] = [...withSecond, { name: THIRD_MIGRATION, class: Migration20991231000001_product_barcode }];
