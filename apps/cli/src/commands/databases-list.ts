import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { cliContext } from '../lib/context.ts';
import { connectControlDb } from '../lib/control-db-client.ts';
import { table } from '../lib/table.ts';
import { bytes, databasesGroup, shownUrl, urlOf } from '../lib/tenant-databases-cli.ts';

interface DatabaseLine {
  name: string;
  url: string;
  status: string;
  tenants: number;
  reachable: boolean;
  server_version: string | null;
  relations: number | null;
  size_bytes: number | null;
  error: string | null;
}

export function register(program: Command) {
  databasesGroup(program)
    .command('list')
    .description('Every tenant database: status, tenants placed there, relations in its catalog, size on disk, reachable or not')
    .option('--timeout <ms>', 'longest wait for each server; a slower one is shown unreachable', '5000')
    .action(async (options: { timeout: string }, command: Command) => {
      const ctx = cliContext(command);
      const timeoutMs = Number(options.timeout);
      if (!(timeoutMs > 0)) throw new CliError(`--timeout ${options.timeout} must be a positive number of milliseconds`);
      const [{ readTenantDatabases }, { probeDatabase }] = await Promise.all([import('@tenantry/control-db'), import('@tenantry/tenant-schema')]);
      const client = await connectControlDb(ctx.config);
      const registry = await readTenantDatabases(client, ctx.config.controlSchema).finally(() => client.end());
      // All at once: a down server costs its own timeout, not the sum of them.
      const lines = await Promise.all(
        registry.map(async (database): Promise<DatabaseLine> => {
          const line = { name: database.name, url: shownUrl(database, ctx.config.databaseUrl), status: database.status, tenants: database.tenantCount };
          try {
            const facts = await probeDatabase(urlOf(database, ctx.config.databaseUrl), { timeoutMs });
            return { ...line, reachable: true, server_version: facts.serverVersion, relations: facts.relations, size_bytes: facts.sizeBytes, error: null };
          } catch (error) {
            return { ...line, reachable: false, server_version: null, relations: null, size_bytes: null, error: (error as Error).message };
          }
        }),
      );
      ctx.print({ databases: lines }, () =>
        [
          table([
            ['NAME', 'STATUS', 'TENANTS', 'RELATIONS', 'SIZE', 'REACHABLE', 'URL'],
            ...lines.map((l) => [l.name, l.status, l.tenants, l.relations, l.size_bytes === null ? null : bytes(l.size_bytes), l.reachable ? 'yes' : 'NO', l.url]),
          ]),
          ...lines.filter((l) => !l.reachable).map((l) => `${l.name}: ${l.error}`),
        ].join('\n'),
      );
    });
}
