import type { Transaction } from '@mikro-orm/core';
import { MigrationRunner, MigrationStorage, Migrator, type Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantMigration } from '@tenantry/tenant-migrations';
import { qualifiedName } from '../schema/index.ts';

/** Same table MikroORM's migration storage creates (tracking-table.test.ts compares the two). */
export function trackingTableSql(schemaName: string): string {
  return (
    `create table ${qualifiedName(schemaName, 'mikro_orm_migrations')} ` +
    `("id" serial primary key, "name" varchar(255) not null, "executed_at" timestamptz(6) not null default current_timestamp(6))`
  );
}

export interface TenantMigratorOptions {
  /**
   * What the caller already knows about `<schema>.mikro_orm_migrations` inside the transaction the
   * migrator runs in: `created` (it made the table, empty, in this transaction) or `exists`. Either
   * way the storage skips its "does the table exist?" probe, an information_schema query that scans
   * all of pg_class and grows with every schema in the database. Omitted: the storage probes.
   */
  trackingTable?: 'created' | 'exists';
}

type HelperSql = {
  getSchemaBeginning(charset: string, disableForeignKeys?: boolean): string;
  getSchemaEnd(disableForeignKeys?: boolean): string;
  getSetSchemaSQL(schema: string): string;
  getResetSchemaSQL(dbName: string): string;
  resolveMigrationSchema(schema?: string): string | undefined;
};

/**
 * Runs a migration's statements as few round trips as possible: inside the caller's transaction
 * (the one `up({ transaction })` was given), consecutive SQL strings go to PostgreSQL as ONE
 * multi-statement query, with the `search_path` switch at the front and its reset at the end.
 * PostgreSQL still executes them one by one in that order (each statement is analysed after the
 * previous one ran), and a failure aborts the caller's transaction as a whole, so no savepoint is
 * needed. Anything else (no outer transaction, a non-transactional migration) is MikroORM's own path.
 */
class BatchingRunner extends MigrationRunner {
  #master: Transaction | undefined;
  #schema: string | undefined;

  override setMasterMigration(trx: Transaction): void {
    super.setMasterMigration(trx);
    this.#master = trx;
  }

  override unsetMasterMigration(): void {
    super.unsetMasterMigration();
    this.#master = undefined;
  }

  override setRunSchema(schema?: string): void {
    super.setRunSchema(schema);
    this.#schema = this.#helper().resolveMigrationSchema(schema);
  }

  override unsetRunSchema(): void {
    super.unsetRunSchema();
    this.#schema = undefined;
  }

  override async run(migration: Migration, method: 'up' | 'down', afterRun?: (tx?: Transaction) => Promise<void>): Promise<void> {
    const tx = this.#master;
    if (!tx || !this.options.transactional || !migration.isTransactional()) {
      return super.run(migration, method, afterRun);
    }
    migration.reset();
    migration.setTransactionContext(tx); // for migrations that call this.execute() in up()
    await migration[method]();
    const helper = this.#helper();
    const disableForeignKeys = this.options.disableForeignKeys;
    const queries = [
      ...(this.#schema ? [helper.getSetSchemaSQL(this.#schema)] : []),
      ...helper.getSchemaBeginning(this.config.get('charset'), disableForeignKeys).split('\n'),
      ...migration.getQueries(),
      ...helper.getSchemaEnd(disableForeignKeys).split('\n'),
      ...(this.#schema ? [helper.getResetSchemaSQL(this.config.get('dbName'))] : []),
    ].filter((query) => typeof query !== 'string' || query.trim().length > 0);

    // A newline before each `;` ends a trailing `--` comment before the separator.
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const sql = batch.join('\n;\n');
      batch = [];
      await this.driver.execute(sql, undefined, 'all', tx);
    };
    for (const query of queries) {
      if (typeof query === 'string') {
        batch.push(query);
      } else {
        await flush();
        await this.driver.execute(query, undefined, 'all', tx);
      }
    }
    await flush();
    await afterRun?.(tx);
  }

  #helper(): HelperSql {
    return this.driver.getPlatform().getSchemaHelper() as unknown as HelperSql;
  }
}

/** The migration storage, told by the caller what it knows about the tracking table. */
class KnownTableStorage extends MigrationStorage {
  trackingTable: TenantMigratorOptions['trackingTable'];

  override async ensureTable(): Promise<void> {
    if (this.trackingTable) return;
    return super.ensureTable();
  }

  override async getExecutedMigrations() {
    if (this.trackingTable === 'created') {
      // Made empty in this transaction; after this first read it is asked like any other table.
      this.trackingTable = 'exists';
      return [];
    }
    return super.getExecutedMigrations();
  }
}

/**
 * A migrator that runs exactly the given migrations. A new one is built for every provisioning
 * attempt on purpose: MikroORM's migration storage remembers "tracking table exists" per schema
 * even when the transaction that created it rolled back, so a shared migrator makes the retry of a
 * failed provisioning fail with `relation "<schema>.mikro_orm_migrations" does not exist`. The
 * same goes for `trackingTable`: it is true of one transaction only, so it lives and dies with
 * this migrator.
 */
class ListedMigrator extends Migrator {
  readonly #migrations: readonly TenantMigration[];
  // Not a #private field: initServices() runs inside super(), before such a field exists.
  protected trackingTable: TenantMigratorOptions['trackingTable'];

  constructor(em: EntityManager, migrations: readonly TenantMigration[], options: TenantMigratorOptions) {
    super(em);
    this.#migrations = migrations;
    this.trackingTable = options.trackingTable;
    this.initServices();
  }

  // MikroORM builds runner and storage again on init() (whenever its database check is cached),
  // so what the storage is told has to be told again each time.
  protected override initServices(): void {
    super.initServices();
    (this.storage as KnownTableStorage).trackingTable = this.trackingTable;
  }

  protected override createRunner() {
    return new BatchingRunner(this.driver, this.options, this.config);
  }

  protected override createStorage() {
    return new KnownTableStorage(this.driver, this.options);
  }

  protected override async discoverMigrations() {
    return this.#migrations.map((migration) => this.initialize(migration.class, migration.name));
  }
}

export function createTenantMigrator(em: EntityManager, migrations: readonly TenantMigration[], options: TenantMigratorOptions = {}): Migrator {
  return new ListedMigrator(em, migrations, options);
}
