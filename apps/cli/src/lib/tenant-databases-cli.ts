import type { TenantDatabaseStatus } from '@tenantry/control-db';
import { redactUrlPassword } from '@tenantry/logger';
import type { Command } from 'commander';
import { CliError, EXIT } from './cli-error.ts';
import { commandGroup } from './command-group.ts';
import { cliContext } from './context.ts';
import { connectControlDb } from './control-db-client.ts';

/** The `databases` command group (registry of the PostgreSQL databases holding tenant schemas). */
export function databasesGroup(program: Command): Command {
  return commandGroup(program, 'databases', 'Tenant databases: the PostgreSQL databases that hold tenant schemas (SPEC §7)');
}

/** `databases drain|open <name>`: sets the registry status of one database and says what it means. */
export function registerStatusChange(
  program: Command,
  { verb, description, status, done }: { verb: string; description: string; status: TenantDatabaseStatus; done: (name: string) => string },
): void {
  databasesGroup(program)
    .command(verb)
    .description(description)
    .argument('<name>', 'a registered tenant database (see `databases list`)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = cliContext(command);
      const { setTenantDatabaseStatus } = await import('@tenantry/control-db'); // lazily: it loads MikroORM
      const client = await connectControlDb(ctx.config);
      try {
        await asCliError(() => setTenantDatabaseStatus(client, ctx.config.controlSchema, name, status));
        ctx.print({ name, status }, () => done(name));
      } finally {
        await client.end();
      }
    });
}

/** Where a tenant database is; `main` is the control database itself (DATABASE_URL). */
export function urlOf(database: { url: string | null }, controlDatabaseUrl: string): string {
  return database.url ?? controlDatabaseUrl;
}

/** How a registry entry's URL is shown: redacted, and `main` says it is DATABASE_URL. */
export function shownUrl(database: { name: string; url: string | null }, controlDatabaseUrl: string): string {
  return database.url === null ? `${redactUrlPassword(controlDatabaseUrl)} (DATABASE_URL)` : redactUrlPassword(database.url);
}

/**
 * Turns the data libs' typed refusals into CLI errors: a bad name, URL, server or duplicate is a
 * refusal (exit 2), an unreachable server a failure (exit 1). Anything else is rethrown.
 */
export async function asCliError<T>(work: () => Promise<T>, context?: string): Promise<T> {
  const [{ ControlError }, { TenantSchemaError }] = await Promise.all([import('@tenantry/control-db'), import('@tenantry/tenant-schema')]);
  try {
    return await work();
  } catch (error) {
    const message = context ? `${context}: ${(error as Error).message}` : (error as Error).message;
    if (error instanceof TenantSchemaError) throw new CliError(message, error.code === 'TNT_ERR_DATABASE_UNREACHABLE' ? EXIT.failed : EXIT.usage, error.code);
    if (error instanceof ControlError) throw new CliError(message, EXIT.usage, error.code);
    throw error;
  }
}

/** 1536 → `1.5 kB`. */
export function bytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${units[unit]}`;
}
