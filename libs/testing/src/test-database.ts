import pg from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database and every tenant role created while it existed (roles are cluster-wide). */
  drop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A fresh, empty database for one test suite, so suites never see each other's data. `adminUrl`
 * picks the server (default TEST_DATABASE_ADMIN_URL or the local 5432 one).
 */
export async function createTestDatabase(prefix = 'tenantry_test', adminUrl = ADMIN_URL): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const db = new pg.Client({ connectionString: url.toString() });
        await db.connect();
        const { rows } = await db
          .query<{ rolname: string }>(
            `select distinct r.rolname from pg_roles r join pg_namespace n on has_schema_privilege(r.oid, n.oid, 'USAGE')
              where n.nspname like 'tenant\\_%' and r.rolname like 'tenant\\_%'`,
          )
          .finally(() => db.end());
        await client.query(`drop database if exists "${name}" with (force)`);
        for (const { rolname } of rows) await client.query(`drop role if exists "${rolname}"`).catch(() => undefined);
        // The database's tenant group (tenant-schema's tenantGroupFor), made by the first provisioning in it.
        await client.query(`drop role if exists "${name}_tenants"`).catch(() => undefined);
      } finally {
        await client.end();
      }
    },
  };
}
