import { resolve } from 'node:path';
import type { Command } from 'commander';
import { commandGroup } from '../lib/command-group.ts';
import { cliContext } from '../lib/context.ts';
import { requireTenantId } from '../lib/tenant-id.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { asCliRefusal } from '../lib/refusal.ts';

export function register(program: Command) {
  commandGroup(program, 'tenants', 'Tenant operations')
    .command('export')
    .description("Write one archive of a tenant (its schema dumped in one snapshot, its control rows, a manifest with counts and checksums) while it keeps working")
    .argument('<id>', 'tenant id')
    .requiredOption('--out <file>', 'the archive to write (a tar file; it appears only once complete)')
    .action(async (id: string, options: { out: string }, command: Command) => {
      const ctx = cliContext(command);
      requireTenantId(id);
      await (await connectControlDb(ctx.config)).end(); // errors that name the setting to fix
      const { openArchiveContext } = await import('../lib/archive-context.ts');
      const { deps, archive, close } = await openArchiveContext(ctx);
      const started = Date.now();
      try {
        const { file, manifest, bytes } = await archive.exportTenant(deps, id, resolve(options.out)).catch(asCliRefusal);
        const rows = Object.values(manifest.row_counts).reduce((sum: number, n) => sum + Number(n), 0);
        ctx.print({ file, bytes, duration_ms: Date.now() - started, manifest }, () =>
          `Tenant ${id} exported to ${file}: ${bytes} bytes, ${rows} rows in ${Object.keys(manifest.row_counts).length} tables, ` +
          `${manifest.control_counts.members} members, ${manifest.control_counts.events} events, schema ${manifest.schema_version} ` +
          `(from database ${manifest.database}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
      } finally {
        await close();
      }
    });
}
