import { qualifiedName } from '../schema/index.ts';
import type { SourceFreeze } from './freeze-source.ts';
import type { MoveContext } from './move-context.ts';
import { queryRows, withMoveClient } from './move-connection.ts';

interface SequenceValue {
  name: string;
  value: string;
  called: boolean;
}

/**
 * Inside the freeze: logical replication copies rows, not sequences, so each sequence of the
 * target schema is set to the source's value (read after the last write), and the next id the
 * target hands out follows the source's last one.
 */
export async function syncSequences(ctx: MoveContext, freeze: SourceFreeze): Promise<number> {
  const { schema } = ctx.names;
  const sequences = await queryRows<{ relname: string }>(
    freeze.client,
    `select relname from pg_class where relnamespace = (select oid from pg_namespace where nspname = $1) and relkind = 'S' order by relname`,
    [schema],
  );
  if (sequences.length === 0) return 0;
  const values = await queryRows<SequenceValue>(
    freeze.client,
    sequences
      .map((_, i) => `select $${i + 1}::text as name, last_value::text as value, is_called as called from ${qualifiedName(schema, sequences[i].relname)}`)
      .join(' union all '),
    sequences.map((s) => s.relname),
  );
  await withMoveClient(ctx.plan.target.url, (client) =>
    client.query(
      `select setval(format('%I.%I', $1::text, s.name)::regclass, s.value, s.called)
         from jsonb_to_recordset($2::jsonb) as s(name text, value bigint, called boolean)`,
      [schema, JSON.stringify(values)],
    ),
  );
  return values.length;
}
