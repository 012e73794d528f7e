import type { Config } from '@tenantry/config';
import { redactUrlPassword } from '@tenantry/logger';
import pg from 'pg';
import { CliError } from './cli-error.ts';

/** A pg client on DATABASE_URL, checked to hold CONTROL_SCHEMA; errors say which setting to fix. */
export async function connectControlDb(config: Pick<Config, 'databaseUrl' | 'controlSchema'>): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: config.databaseUrl, application_name: 'tenantry-cli' });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  try {
    await client.connect();
  } catch (error) {
    throw new CliError(`Cannot reach PostgreSQL at ${redactUrlPassword(config.databaseUrl)} (DATABASE_URL): ${(error as Error).message}`);
  }
  const { schemaExists } = await import('@tenantry/control-db'); // lazily: it loads MikroORM
  if (!(await schemaExists(client, config.controlSchema))) {
    await client.end();
    throw new CliError(
      `Schema ${config.controlSchema} (CONTROL_SCHEMA) does not exist in ${redactUrlPassword(config.databaseUrl)}: wrong database, or tenant-api never started there.`,
    );
  }
  return client;
}
