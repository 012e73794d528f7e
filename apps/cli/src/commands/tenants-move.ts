import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { commandGroup } from '../lib/command-group.ts';
import { asCliRefusal } from '../lib/refusal.ts';
import { cliContext, type CliContext } from '../lib/context.ts';
import { requireTenantId } from '../lib/tenant-id.ts';
import { connectControlDb } from '../lib/control-db-client.ts';

interface MoveOptions {
  to?: string;
  offline?: boolean;
  status?: boolean;
  abort?: boolean;
  cleanup?: boolean;
}

/** Control ORM + tenant databases, loaded lazily (MikroORM costs a second that `--help` should not pay). */
async function openMoveDeps(ctx: CliContext) {
  await (await connectControlDb(ctx.config)).end(); // errors that name the setting to fix
  const { openMoveContext } = await import('../lib/move-context.ts');
  return openMoveContext(ctx);
}

type MoveDeps = Awaited<ReturnType<typeof openMoveDeps>>;

function describeMove(move: { from: string; to: string; mode: string; state: string; error: string | null; oldSchema: string | null }): string {
  const error = move.error ? ` (${move.error})` : '';
  const old = move.oldSchema ? `; old schema ${move.oldSchema} kept on ${move.from} until --cleanup` : '';
  return `${move.from} → ${move.to} (${move.mode}): ${move.state}${error}${old}`;
}

async function showStatus(ctx: CliContext, { deps, controlDb }: MoveDeps, id: string) {
  const move = await controlDb.readLatestTenantMove(deps.orm, id);
  ctx.print(move, () => (move ? `Tenant ${id}: ${describeMove(move)}` : `Tenant ${id} has never moved.`));
}

async function cleanup(ctx: CliContext, { deps, moves }: MoveDeps, id: string | undefined) {
  const cleaned = await moves.cleanupMovedSchemas(deps, id);
  ctx.print(cleaned, () => (cleaned.length ? cleaned.map((m) => `dropped ${m.oldSchema} on ${m.from} (tenant ${m.tenantId})`).join('\n') : 'No old schema to drop.'));
}

async function abort(ctx: CliContext, { deps, moves }: MoveDeps, id: string) {
  const move = await moves.abortOpenTenantMove(deps, id);
  if (!move) throw new CliError(`Tenant ${id} has no move in progress.`);
  if (move.state !== 'undone') throw new CliError(`The move of tenant ${id} has flipped already (${move.state}); run it again to finish it.`, EXIT.failed);
  ctx.print(move, () => `Move of tenant ${id} to ${move.to} undone: ${move.from} serves it, nothing is left on ${move.to}.`);
}

async function move(ctx: CliContext, { deps, controlDb, moves }: MoveDeps, id: string, options: MoveOptions) {
  if (!options.to) throw new CliError('Say where to: --to <database> (see `tenantry databases list`).');
  const requested = await controlDb.requestTenantMove(deps.orm, id, { to: options.to, mode: options.offline ? 'offline' : 'logical' });
  if (!ctx.json) process.stderr.write(`Moving tenant ${id}: ${requested.from} → ${requested.to} (${requested.mode}), from step ${requested.state}\n`);
  const started = Date.now();
  await moves.runOpenTenantMove({ ...deps, onStep: (state) => !ctx.json && process.stderr.write(`  ${state}\n`) }, id);
  const done = await controlDb.readLatestTenantMove(deps.orm, id);
  ctx.print({ ...done, duration_ms: Date.now() - started }, () => `Tenant ${id} moved: ${describeMove(done!)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

export function register(program: Command) {
  commandGroup(program, 'tenants', 'Tenant operations')
    .command('move')
    .description("Move a tenant's schema to another tenant database online (logical replication), or see, undo or clean up moves")
    .argument('[id]', 'tenant id')
    .option('--to <database>', 'the tenant database to move to')
    .option('--offline', 'freeze the tenant and copy with pg_dump/pg_restore (for a source without wal_level=logical)')
    .option('--status', "show the tenant's latest move")
    .option('--abort', 'undo the move in progress (only before the flip)')
    .option('--cleanup', 'drop the old schemas finished moves left on their sources (this tenant\'s, or all without an id)')
    .action(async (id: string | undefined, options: MoveOptions, command: Command) => {
      const ctx = cliContext(command);
      if (id !== undefined) requireTenantId(id);
      if (id === undefined && !options.cleanup) throw new CliError('Name the tenant: tenantry tenants move <id> --to <database>');
      const opened = await openMoveDeps(ctx);
      try {
        if (options.cleanup) await cleanup(ctx, opened, id);
        else if (options.status) await showStatus(ctx, opened, id!);
        else if (options.abort) await abort(ctx, opened, id!);
        else await move(ctx, opened, id!, options);
      } catch (error) {
        asCliRefusal(error, { withCode: false });
      } finally {
        await opened.close();
      }
    });
}
