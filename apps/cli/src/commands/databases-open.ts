import type { Command } from 'commander';
import { cliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { asCliError, databasesGroup } from '../lib/tenant-databases-cli.ts';

export function register(program: Command) {
  databasesGroup(program)
    .command('open')
    .description('Let placement choose this database for new tenants again')
    .argument('<name>', 'a registered tenant database (see `databases list`)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = cliContext(command);
      const { setTenantDatabaseStatus } = await import('@tenantry/control-db'); // lazily: it loads MikroORM
      const client = await connectControlDb(ctx.config);
      try {
        await asCliError(() => setTenantDatabaseStatus(client, ctx.config.controlSchema, name, 'open'));
        ctx.print({ name, status: 'open' }, () => `Tenant database "${name}" is open: placement may choose it for new tenants.`);
      } finally {
        await client.end();
      }
    });
}
