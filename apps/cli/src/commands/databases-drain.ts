import type { Command } from 'commander';
import { cliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { asCliError, databasesGroup } from '../lib/tenant-databases-cli.ts';

export function register(program: Command) {
  databasesGroup(program)
    .command('drain')
    .description('Place no new tenant on this database (tenants already there stay and are served)')
    .argument('<name>', 'a registered tenant database (see `databases list`)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = cliContext(command);
      const { setTenantDatabaseStatus } = await import('@tenantry/control-db'); // lazily: it loads MikroORM
      const client = await connectControlDb(ctx.config);
      try {
        await asCliError(() => setTenantDatabaseStatus(client, ctx.config.controlSchema, name, 'draining'));
        ctx.print({ name, status: 'draining' }, () => `Tenant database "${name}" is draining: no new tenant is placed there; its tenants stay.`);
      } finally {
        await client.end();
      }
    });
}
