import pg from 'pg';
import { quoteIdentifier } from '@tenantry/sql';
import { tenantGroupFor } from '@tenantry/tenant-schema';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Drops a benchmark database and the given tenant roles. Roles go after the database: dropping the
 * database removes the grants that would otherwise keep them.
 */
export async function dropBenchDatabase(name: string, roles: readonly string[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
    await client.query(`drop role if exists ${quoteIdentifier(tenantGroupFor(name))}`);
    for (let i = 0; i < roles.length; i += 500) {
      const batch = roles.slice(i, i + 500).map((role) => `drop role if exists ${quoteIdentifier(role)}`);
      await client.query(batch.join(';\n'));
    }
  } finally {
    await client.end();
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
