import type { Migration } from '@mikro-orm/migrations';
import type { TenantMigration } from '@tenantry/tenant-migrations';
import pg from 'pg';
import type { MigrateTenantSchemaResult } from '../migrate/index.ts';
import { migrationError } from '../migrate/index.ts';
import { qualifiedName } from '../schema/index.ts';
import { SQLSTATE, sqlStateOf } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import { CONNECT_TIMEOUT_MS } from './connect-timeout.ts';

/** The schema needs MikroORM's migrator (see {@link PgSchemaMigrator}); nothing was changed. */
export const NEEDS_ORM = Symbol('needs-orm');

type HelperSql = {
  getSchemaBeginning(charset: string, disableForeignKeys?: boolean): string;
  getSchemaEnd(disableForeignKeys?: boolean): string;
  getSetSchemaSQL(schema: string): string;
  getResetSchemaSQL(dbName: string): string;
};

/** Raised by the guard driver: a migration's `up()` wanted the database, so only MikroORM's migrator can run it. */
class UsesDatabase extends Error {}

export interface PgSchemaMigratorOptions {
  databaseUrl: string;
  /** Pool size: one connection per schema in flight. */
  connections: number;
  /** Schemas per connection before it is closed and replaced (pg-pool `maxUses`). */
  schemasPerConnection: number;
  applicationName?: string;
}

/**
 * `migrate up`'s per-schema path on a plain `pg` connection: the same SQL MikroORM's migrator (with
 * tenant-migrator.ts's batching runner) sends for a tenant schema, in 2 round trips per schema
 * instead of about a dozen, and without an EntityManager, a Migrator and a query builder per schema:
 *
 * 1. `begin; set local lock_timeout; select pg_advisory_xact_lock(<tenant>); select name from <schema>.mikro_orm_migrations order by id`
 * 2. per pending migration: `set search_path to <schema>; set names ...; <its statements>; reset search_path;
 *    insert into <schema>.mikro_orm_migrations ("name") values (<name>)`, the last one followed by `commit`
 *    (nothing pending: `commit` alone).
 *
 * The tracking table gets what MikroORM's storage inserts (`name` only; `id` and `executed_at` from
 * the table's defaults), in the same transaction as the DDL. The applied list is read under the
 * tenant's advisory lock, so nothing is applied twice. Anything this path does not cover returns
 * {@link NEEDS_ORM} before changing anything (the transaction is rolled back): a schema without a
 * tracking table (or gone since the plan was read), or a migration whose `up()` uses the database
 * (`this.execute`, `getEntityManager`) or adds a query that is not an SQL string. The caller then
 * runs MikroORM's migrator for that schema (migrateTenantSchema).
 */
export class PgSchemaMigrator {
  readonly #orm: TenantSchemaOrm;
  readonly #migrations: readonly TenantMigration[];
  readonly #pool: pg.Pool;
  readonly #helper: HelperSql;
  readonly #charset: string;
  readonly #dbName: string;
  readonly #disableForeignKeys: boolean | undefined;
  /** Names of the migrations this path cannot run (their `up()` needs the database). */
  readonly #needsOrm = new Set<string>();
  readonly #probed = new Map<string, boolean>();

  /** `orm` provides what the migration classes are constructed with and the SQL dialect's helper; it is not queried. */
  constructor(orm: TenantSchemaOrm, migrations: readonly TenantMigration[], { databaseUrl, connections, schemasPerConnection, applicationName = 'tenantry-migrate-up' }: PgSchemaMigratorOptions) {
    this.#orm = orm;
    this.#migrations = migrations;
    // Each schema is one checkout, so no backend accumulates the catalog cache of thousands of schemas.
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: connections, maxUses: schemasPerConnection, application_name: applicationName, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection that breaks is reported by the next checkout; without a listener it would crash the process.
    this.#pool.on('error', () => undefined);
    this.#helper = orm.em.getPlatform().getSchemaHelper() as unknown as HelperSql;
    this.#charset = orm.config.get('charset') as string;
    this.#dbName = orm.config.get('dbName') as string;
    this.#disableForeignKeys = (orm.config.get('migrations') as { disableForeignKeys?: boolean }).disableForeignKeys;
  }

  /**
   * A driver for one migration instance that never reaches the database: `this.execute()`
   * (resolved with no rows, so an un-awaited call cannot crash the process) and
   * `getEntityManager()` only mark the instance as needing MikroORM's migrator. One per instance:
   * schemas are prepared concurrently.
   */
  #guardDriver(): { driver: unknown; usedDatabase: boolean } {
    const guard = { driver: undefined as unknown, usedDatabase: false };
    const refuse = () => {
      guard.usedDatabase = true;
      throw new UsesDatabase('the migration uses the database in up()');
    };
    guard.driver = Object.create(this.#orm.em.getDriver(), {
      execute: { value: async () => ((guard.usedDatabase = true), []) },
      createEntityManager: { value: refuse },
      getConnection: { value: refuse },
    });
    return guard;
  }

  /** Whether every one of `names` can run on this path, as far as a dry `up()` tells (once per migration). */
  async canRun(names: readonly string[]): Promise<boolean> {
    for (const name of names) {
      let plain = this.#probed.get(name);
      if (plain === undefined) {
        const migration = this.#migrations.find((m) => m.name === name);
        plain = migration !== undefined && (await this.#statements(migration, 'probe')) !== NEEDS_ORM;
        this.#probed.set(name, plain);
      }
      if (!plain) return false;
    }
    return true;
  }

  /**
   * Applies the pending migrations of one existing tenant schema in one transaction on a pooled
   * connection. Throws TenantSchemaError (TNT_ERR_LOCK_TIMEOUT retriable, TNT_ERR_MIGRATION_FAILED)
   * like migrateTenantSchema, after the transaction was rolled back.
   */
  async migrate(schemaName: string, lockTimeoutMs: number): Promise<MigrateTenantSchemaResult | typeof NEEDS_ORM> {
    const client = await this.#pool.connect();
    let broken: unknown;
    try {
      return await this.#migrate(client, schemaName, lockTimeoutMs, (error) => (broken = error));
    } finally {
      // A connection whose rollback failed is closed, not reused.
      client.release(broken === undefined ? undefined : (broken as Error));
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #migrate(client: pg.ClientBase, schemaName: string, lockTimeoutMs: number, onBroken: (error: unknown) => void): Promise<MigrateTenantSchemaResult | typeof NEEDS_ORM> {
    const tracking = qualifiedName(schemaName, 'mikro_orm_migrations');
    let current: string | undefined;
    let open = false;
    const rollback = async () => {
      open = false;
      await client.query('rollback').catch((error: unknown) => onBroken(error));
    };
    try {
      open = true;
      const prepared = await client.query(
        `begin;\nset local lock_timeout = '${lockTimeoutMs}ms';\n` +
          `select pg_advisory_xact_lock(hashtextextended(${pg.escapeLiteral(`tenantry:tenant-schema:${schemaName}`)}, 0));\n` +
          `select name from ${tracking} order by id`,
      );
      const results = prepared as unknown as pg.QueryResult | pg.QueryResult[];
      const rows = (Array.isArray(results) ? results[results.length - 1] : results).rows as { name: string }[];
      const names = rows.map((row) => row.name);
      // MikroORM's storage compares names without a .js/.ts suffix; the version is the raw last row.
      const executed = new Set(names.map((name) => name.replace(/\.[jt]s$/, '')));
      const fromVersion = names.length > 0 ? names[names.length - 1] : null;
      const pending = this.#migrations.filter((m) => !executed.has(m.name));

      const batches: { name: string; sql: string }[] = [];
      for (const migration of pending) {
        current = migration.name;
        const statements = await this.#statements(migration, 'run', schemaName);
        if (statements === NEEDS_ORM) {
          await rollback();
          return NEEDS_ORM;
        }
        statements.push(`insert into ${tracking} ("name") values (${pg.escapeLiteral(migration.name)})`);
        batches.push({ name: migration.name, sql: statements.join('\n;\n') });
      }
      current = undefined;
      if (batches.length === 0) {
        await client.query('commit');
      } else {
        for (const [i, batch] of batches.entries()) {
          current = batch.name;
          // The last batch carries the commit: a failure before it skips it (the transaction is aborted).
          await client.query(i === batches.length - 1 ? `${batch.sql}\n;\ncommit` : batch.sql);
        }
      }
      open = false;
      const applied = batches.map((batch) => batch.name);
      return { found: true, fromVersion, schemaVersion: applied.length > 0 ? applied[applied.length - 1] : fromVersion, applied };
    } catch (error) {
      if (open) await rollback();
      const state = sqlStateOf(error);
      // The schema or its tracking table is gone (or there never was one): MikroORM's migrator decides.
      if (current === undefined && (state === SQLSTATE.UNDEFINED_TABLE || state === SQLSTATE.INVALID_SCHEMA_NAME)) return NEEDS_ORM;
      throw migrationError(schemaName, current, lockTimeoutMs, error);
    }
  }

  /**
   * The statements tenant-migrator.ts's batching runner sends for `migration` in `schemaName`
   * (the search_path switch, MikroORM's schema beginning, the migration's `up()` queries, the
   * schema end and the search_path reset), or NEEDS_ORM. `up()` runs on a fresh instance every
   * time, as MikroORM's migrator does per schema.
   */
  async #statements(migration: TenantMigration, mode: 'probe' | 'run', schemaName?: string): Promise<string[] | typeof NEEDS_ORM> {
    if (this.#needsOrm.has(migration.name)) return NEEDS_ORM;
    const guard = this.#guardDriver();
    const instance: Migration = new migration.class(guard.driver as never, this.#orm.config as never);
    try {
      instance.reset();
      await instance.up();
    } catch (error) {
      const usedDatabase = guard.usedDatabase || error instanceof UsesDatabase;
      // A plain failure of up() is the migration failing: the real run reports it like MikroORM would.
      if (!usedDatabase) {
        if (mode === 'run') throw error;
        return [];
      }
    }
    const queries = instance.getQueries();
    if (guard.usedDatabase || !queries.every((query) => typeof query === 'string')) {
      this.#needsOrm.add(migration.name);
      return NEEDS_ORM;
    }
    const helper = this.#helper;
    return [
      ...(schemaName ? [helper.getSetSchemaSQL(schemaName)] : []),
      ...helper.getSchemaBeginning(this.#charset, this.#disableForeignKeys).split('\n'),
      ...(queries as string[]),
      ...helper.getSchemaEnd(this.#disableForeignKeys).split('\n'),
      ...(schemaName ? [helper.getResetSchemaSQL(this.#dbName)] : []),
    ].filter((query) => query.trim().length > 0);
  }
}
