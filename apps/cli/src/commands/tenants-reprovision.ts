import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { requireTenantId } from '../lib/tenant-id.ts';
import { connectControlDb } from '../lib/control-db-client.ts';

export function register(program: Command) {
  commandGroup(program, 'tenants', 'Tenant operations')
    .command('reprovision')
    .description('Ask the provisioner to (re)build a tenant\'s schema: emits TenantProvisionRequested through the outbox (idempotent)')
    .argument('<id>', 'tenant id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = cliContext(command);
      requireTenantId(id);
      // Checks the database and schema first, with errors that name the setting to fix.
      await (await connectControlDb(ctx.config)).end();
      // Loaded here, not at the top: MikroORM costs about a second and most commands never need it.
      const [{ MikroORM }, { TenantNotFoundError, controlOrmOptions, requestProvisioning }] = await Promise.all([
        import('@mikro-orm/postgresql'),
        import('@tenantry/control-db'),
      ]);
      const orm = await MikroORM.init(controlOrmOptions({ databaseUrl: ctx.config.databaseUrl, controlSchema: ctx.config.controlSchema, poolMax: 1 }));
      try {
        const tenant = await requestProvisioning(orm, id).catch((error: unknown) => {
          if (error instanceof TenantNotFoundError) throw new CliError(error.message);
          throw error;
        });
        ctx.print({ tenant_id: tenant.id, status: tenant.status, version: tenant.version, event: 'TenantProvisionRequested' }, () =>
          `Provisioning requested for tenant ${tenant.id}: TenantProvisionRequested (version ${tenant.version}) is in the outbox; status ${tenant.status}.`,
        );
      } finally {
        await orm.close(true);
      }
    });
}
