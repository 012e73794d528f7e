import { resolve } from 'node:path';
import type { Command } from 'commander';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { asCliRefusal } from '../lib/refusal.ts';

interface ImportOptions {
  database?: string;
  asNew?: boolean;
}

export function register(program: Command) {
  commandGroup(program, 'tenants', 'Tenant operations')
    .command('import')
    .description('Restore a tenant from an archive (checked whole first), under its own id or --as-new; emits the events of a newly created tenant')
    .argument('<file>', 'an archive written by `tenants export` or POST /v1/tenants/{id}/export')
    .option('--database <name>', 'the tenant database to restore on (default: where a new tenant would be placed)')
    .option('--as-new', 'a clone: new id, slug, schema and role, no RUT, no event history')
    .action(async (file: string, options: ImportOptions, command: Command) => {
      const ctx = cliContext(command);
      await (await connectControlDb(ctx.config)).end(); // errors that name the setting to fix
      const { openArchiveContext } = await import('../lib/archive-context.ts');
      const { deps, archive, close } = await openArchiveContext(ctx);
      const started = Date.now();
      try {
        const { tenant, manifest, migrated } = await archive
          .importTenant(deps, resolve(file), { database: options.database, asNew: Boolean(options.asNew) })
          .catch(asCliRefusal);
        ctx.print({ tenant, from_tenant_id: manifest.tenant_id, migrated, duration_ms: Date.now() - started }, () =>
          `Tenant ${tenant.id} (${tenant.slug}) imported${options.asNew ? ` as a copy of ${manifest.tenant_id}` : ''} on database ${tenant.database}, ` +
          `status ${tenant.status}, schema ${tenant.schema_version}${migrated.length ? ` (migrated up: ${migrated.join(', ')})` : ''}, ` +
          `version ${tenant.version}, in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
      } finally {
        await close();
      }
    });
}
