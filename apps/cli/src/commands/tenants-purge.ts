import type { Command } from 'commander';
import { commandGroup } from '../lib/command-group.ts';
import { asCliRefusal } from '../lib/refusal.ts';
import { cliContext } from '../lib/context.ts';
import { requireTenantId } from '../lib/tenant-id.ts';
import { connectControlDb } from '../lib/control-db-client.ts';

export function register(program: Command) {
  commandGroup(program, 'tenants', 'Tenant operations')
    .command('purge')
    .description('Purge (hard delete) a deactivated tenant: drop its schema and role, keep a tombstone; resumes a purge a crash left open')
    .argument('<id>', 'tenant id')
    .option('--force', 'do not wait PURGE_AFTER_DAYS since the deactivation (logged)')
    .action(async (id: string, options: { force?: boolean }, command: Command) => {
      const ctx = cliContext(command);
      requireTenantId(id);
      await (await connectControlDb(ctx.config)).end(); // errors that name the setting to fix
      const { openPurgeContext } = await import('../lib/purge-context.ts');
      const { deps, controlDb, purges, close } = await openPurgeContext(ctx);
      try {
        const force = options.force ?? false;
        const requested = await controlDb.requestTenantPurge(deps.orm, id, { force, purgeAfterDays: ctx.config.purgeAfterDays, requestedBy: null });
        if (force) ctx.logger.warn({ tenant_id: id, purge_after_days: ctx.config.purgeAfterDays }, 'tenant purge forced: PURGE_AFTER_DAYS not waited for');
        if (!ctx.json) process.stderr.write(`Purging tenant ${id} on ${requested.database}, from step ${requested.state}\n`);
        const done = await purges.runTenantPurge({ ...deps, onStep: (state) => !ctx.json && process.stderr.write(`  ${state}\n`) }, id);
        ctx.print(done, () => `Tenant ${id} purged: schema and role dropped on ${done?.database}, only its tombstone is left.`);
      } catch (error) {
        asCliRefusal(error, { withCode: false });
      } finally {
        await close();
      }
    });
}
