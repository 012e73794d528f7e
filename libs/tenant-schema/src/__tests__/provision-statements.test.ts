import { Migration } from '@mikro-orm/migrations';
import type { Logger } from '@tenantry/logger';
import { tenantMigrations } from '@tenantry/tenant-migrations';
import {
  TenantSchemaError,
  createTenantSchemaOrm,
  migrateTenantSchema,
  provisionTenantSchema,
  roleNameFor,
  schemaNameFor,
  type TenantSchemaOrm,
} from '../index.ts';
import { TenantTestDatabase } from './helpers/tenant-test-database.ts';

/** Statements that read all of pg_class: their cost grows with every tenant schema in the database. */
const CATALOG_WIDE = /information_schema|on all tables in schema|on all sequences in schema/i;

/** An ORM that records every SQL statement it sends (MikroORM's query log). */
async function recordingOrm(url: string): Promise<{ orm: TenantSchemaOrm; statements: string[] }> {
  const statements: string[] = [];
  // eslint-disable-next-line no-control-regex
  const strip = (message: string) => message.replace(/\x1b\[[0-9;]*m/g, '');
  const logger = {
    debug: (_fields: unknown, message: string) => {
      const text = strip(message);
      if (text.startsWith('[query] ')) statements.push(text.slice('[query] '.length).replace(/ \[took .*$/s, ''));
    },
  } as unknown as Logger;
  const orm = await createTenantSchemaOrm({ databaseUrl: url, logger, poolMax: 1 });
  orm.config.set('debug', ['query']);
  return { orm, statements };
}

/** Every privilege of the tenant role on its schema, the schema's relations and default ACLs, names neutralized. */
async function privileges(db: TenantTestDatabase, tenantId: string) {
  const schema = schemaNameFor(tenantId);
  const role = roleNameFor(tenantId);
  const neutral = (rows: unknown[]) => JSON.parse(JSON.stringify(rows).replaceAll(role, 'ROLE').replaceAll(schema, 'SCHEMA'));
  return {
    schema: neutral(await db.query('select nspacl::text as acl from pg_namespace where nspname = $1', [schema])),
    relations: neutral(
      await db.query(
        `select relname, relkind, relacl::text as acl from pg_class where relnamespace = $1::regnamespace and relkind in ('r', 'S') order by relname`,
        [schema],
      ),
    ),
    defaults: neutral(await db.query('select defaclobjtype, defaclacl::text as acl from pg_default_acl where defaclnamespace = $1::regnamespace order by 1', [schema])),
    role: neutral(
      await db.query(
        'select rolcanlogin, rolinherit, (select setconfig from pg_db_role_setting where setrole = r.oid) as settings from pg_roles r where rolname = $1',
        [role],
      ),
    ),
  };
}

describe('provisionTenantSchema, statement by statement', () => {
  let db: TenantTestDatabase;
  let orm: TenantSchemaOrm;
  let statements: string[];

  beforeAll(async () => {
    db = await TenantTestDatabase.create();
    ({ orm, statements } = await recordingOrm(db.url));
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('builds a new schema in a fixed handful of round trips, none of which reads the whole catalog', async () => {
    await provisionTenantSchema(orm, db.tenant()); // the ORM's first migrator also checks, once, that the database exists
    const tenant = db.tenant();
    statements.length = 0;

    await provisionTenantSchema(orm, tenant);

    expect(statements.filter((sql) => CATALOG_WIDE.test(sql))).toEqual([]);
    // begin, lock, look-up, schema + role + tracking table, per migration its batch and its record, seed, version, commit
    expect(statements).toHaveLength(7 + 2 * tenantMigrations.length);
    expect(statements[0]).toBe('begin');
    expect(statements.at(-1)).toBe('commit');
  });

  it("gives a new schema's role exactly the rights a re-provisioning re-asserts on an existing one", async () => {
    const tenant = db.tenant();
    await provisionTenantSchema(orm, tenant);
    const asCreated = await privileges(db, tenant.id);

    statements.length = 0;
    await provisionTenantSchema(orm, tenant); // existing schema: every grant again, ON ALL TABLES included
    expect(statements.some((sql) => /on all tables in schema/.test(sql))).toBe(true);

    expect(await privileges(db, tenant.id)).toEqual(asCreated);
    expect(asCreated.relations).toContainEqual({ relname: 'mikro_orm_migrations', relkind: 'r', acl: expect.stringMatching(/ROLE=r\//) });
    expect(asCreated.relations).toContainEqual({ relname: 'issuer', relkind: 'r', acl: expect.stringMatching(/ROLE=arwd\//) });
    expect(asCreated.relations).toContainEqual({ relname: 'invoices_id_seq', relkind: 'S', acl: expect.stringMatching(/ROLE=rU\//) });
  });

  it("makes the tracking table MikroORM's migrator would make", async () => {
    const provisioned = db.tenant();
    await provisionTenantSchema(orm, provisioned);
    // A bare schema: the migrator's own storage probes for the table and creates it.
    const bare = db.tenant();
    await db.query(`create schema "${schemaNameFor(bare.id)}"`);
    await migrateTenantSchema(orm, schemaNameFor(bare.id), { migrations: tenantMigrations, lockTimeoutMs: 5_000 });

    const definition = async (schema: string) =>
      JSON.parse(JSON.stringify(await db.query(
        `select column_name, data_type, is_nullable, column_default, character_maximum_length, datetime_precision,
                (select string_agg(pg_get_constraintdef(c.oid), '; ') from pg_constraint c where c.conrelid = format('%I.mikro_orm_migrations', $1::text)::regclass) as constraints
           from information_schema.columns where table_schema = $1 and table_name = 'mikro_orm_migrations' order by ordinal_position`,
        [schema],
      )).replaceAll(schema, 'SCHEMA'));
    const ours = await definition(schemaNameFor(provisioned.id));
    expect(ours).toHaveLength(3);
    expect(ours).toEqual(await definition(schemaNameFor(bare.id)));
  });

  it('sends a migration as one batch that PostgreSQL still runs statement by statement', async () => {
    class Migration20991231000010_batch_shapes extends Migration {
      override up(): void {
        this.addSql('create table batch_notes (id integer primary key, body text not null) -- a trailing comment');
        this.addSql('create index batch_notes_body on batch_notes (body)'); // needs the table of the line above
        this.addSql(`create function batch_note_count() returns bigint language plpgsql as $fn$
          begin
            return (select count(*) from batch_notes); -- semicolons inside the body
          end;
        $fn$`);
        this.addSql(`insert into batch_notes values (1, 'uno; dos')`);
      }
    }
    const tenant = db.tenant();
    statements.length = 0;

    const result = await provisionTenantSchema(orm, tenant, {
      migrations: [...tenantMigrations, { name: 'Migration20991231000010_batch_shapes', class: Migration20991231000010_batch_shapes }],
    });

    expect(result).toMatchObject({
      appliedMigrations: [...tenantMigrations.map((m) => m.name), 'Migration20991231000010_batch_shapes'],
      schemaVersion: 'Migration20991231000010_batch_shapes',
    });
    const client = await db.connectAs(roleNameFor(tenant.id)); // finds its tables through its search_path
    try {
      expect((await client.query('select batch_note_count()::int as n, (select body from batch_notes) as body')).rows).toEqual([{ n: 1, body: 'uno; dos' }]);
    } finally {
      await client.end();
    }
    expect(await db.query(`select indexname from pg_indexes where schemaname = $1 and indexname = 'batch_notes_body'`, [schemaNameFor(tenant.id)])).toHaveLength(1);
    expect(statements.filter((sql) => sql.includes('batch_notes'))).toHaveLength(1);
    // The search_path switch ends with the batch: the pooled connection (the only one) does not keep pointing at the tenant.
    expect(await orm.em.fork().execute('show search_path')).toEqual([{ search_path: '"$user", public' }]);
  });

  it('names the failing migration and keeps nothing when a statement in the middle of a batch fails', async () => {
    class Migration20991231000011_fails_midway extends Migration {
      override up(): void {
        this.addSql('create table midway (id integer primary key)');
        this.addSql('insert into midway values (1), (1)');
        this.addSql('create table never_reached (id integer)');
      }
    }
    const tenant = db.tenant();

    const failure = await provisionTenantSchema(orm, tenant, {
      migrations: [...tenantMigrations, { name: 'Migration20991231000011_fails_midway', class: Migration20991231000011_fails_midway }],
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TenantSchemaError);
    expect((failure as Error).message).toMatch(/migration Migration20991231000011_fails_midway .*duplicate key/);
    expect(await db.query('select 1 from pg_namespace where nspname = $1', [schemaNameFor(tenant.id)])).toEqual([]);
    expect(await db.query('select 1 from pg_roles where rolname = $1', [roleNameFor(tenant.id)])).toEqual([]);
  });
});
