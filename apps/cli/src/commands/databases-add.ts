import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { cliContext } from '../lib/context.ts';
import { redactUrlPassword } from '@tenantry/logger';
import { connectControlDb } from '../lib/control-db-client.ts';
import { asCliError, bytes, databasesGroup } from '../lib/tenant-databases-cli.ts';

export function register(program: Command) {
  databasesGroup(program)
    .command('add')
    .description('Register a PostgreSQL database (15 or later) for tenant schemas, open for new tenants; checks it answers and creates nothing on it')
    .argument('<name>', 'a lower-case letter, then up to 30 lower-case letters, digits or underscores')
    .argument('<postgres-url>', 'postgres://user:password@host:port/database (the password is stored, never printed)')
    .option('--timeout <ms>', 'longest wait for the server to answer', '5000')
    .action(async (name: string, url: string, options: { timeout: string }, command: Command) => {
      const ctx = cliContext(command);
      const timeoutMs = Number(options.timeout);
      if (!(timeoutMs > 0)) throw new CliError(`--timeout ${options.timeout} must be a positive number of milliseconds`);
      // Loaded here, not at the top: both libs load MikroORM, which most commands never need.
      const [control, { checkTenantDatabaseServer, parseDatabaseUrl }] = await Promise.all([import('@tenantry/control-db'), import('@tenantry/tenant-schema')]);
      // Cheap refusals first, each before anything is read or written; the URL is named redacted only once it parses.
      await asCliError(async () => control.assertTenantDatabaseName(name));
      await asCliError(async () => parseDatabaseUrl(url), 'Refusing the URL');
      const client = await connectControlDb(ctx.config);
      try {
        if ((await control.readTenantDatabases(client, ctx.config.controlSchema)).some((database) => database.name === name)) {
          throw new CliError(`A tenant database named "${name}" is already registered; pick another name (see \`databases list\`).`);
        }
        const facts = await asCliError(() => checkTenantDatabaseServer(url, { timeoutMs }), `${redactUrlPassword(url)}`);
        await asCliError(() => control.registerTenantDatabase(client, ctx.config.controlSchema, { name, url }));
        const report = { name, url: redactUrlPassword(url), status: 'open', server_version: facts.serverVersion, relations: facts.relations, size_bytes: facts.sizeBytes };
        ctx.print(report, () =>
          `Registered tenant database "${name}" at ${report.url}: PostgreSQL ${facts.serverVersion}, ${facts.relations} relations, ${bytes(facts.sizeBytes)}; open for new tenants.`,
        );
      } finally {
        await client.end();
      }
    });
}
