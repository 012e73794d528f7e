import type { SourceFreeze } from './freeze-source.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient, type MoveClient } from './move-connection.ts';
import { TenantMoveError } from './move-errors.ts';

/** Every table of the schema with its columns and types, as one digest. */
async function tablesDigest(client: MoveClient, schema: string): Promise<string> {
  const [row] = await queryRows<{ digest: string | null }>(
    client,
    `select md5(string_agg(c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' order by c.relname, a.attname)) as digest
       from pg_class c join pg_attribute a on a.attrelid = c.oid
      where c.relnamespace = (select oid from pg_namespace where nspname = $1) and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`,
    [schema],
  );
  return row.digest ?? '';
}

/**
 * Inside the freeze (migrations take the schema's lock, so none runs any more): the source's
 * tables still match the target's. Logical replication carries no DDL; a migration applied to
 * the source during the move would leave the target without its columns (the apply stops) or,
 * for a new table, without its rows.
 */
export async function assertSameTables(ctx: MoveContext, freeze: SourceFreeze): Promise<void> {
  const { schema } = ctx.names;
  const source = await tablesDigest(freeze.client, schema);
  const target = await withMoveClient(ctx.plan.target.url, (client) => tablesDigest(client, schema));
  if (source !== target) {
    throw new TenantMoveError(
      'TNT_ERR_MOVE_SCHEMA_CHANGED',
      `The tables of ${schema} on "${ctx.plan.source.name}" no longer match its copy on "${ctx.plan.target.name}" (a migration ran on the source during the move); undo the move and start it again.`,
      { step: 'drained' },
    );
  }
}
