import { quoteIdentifier } from '../schema/index.ts';
import { movedSchemaNameFor, roleNameFor } from '../schema/index.ts';
import { withMoveClient } from './move-connection.ts';
import type { MoveEndpoint } from './move-types.ts';
import { dropRoleIfUnused } from './undo-tenant-move.ts';

export interface CleanupMovedSchemaOptions {
  /** Source and target are databases of one server: the role now serves the target and stays. */
  sameServerAsTarget: boolean;
}

export interface CleanupMovedSchemaResult {
  schemaDropped: boolean;
  /** False when the role stayed: same server as the target, or it still has rights in another database there. */
  roleDropped: boolean;
}

/**
 * After a finished move: drops the old schema (`tenant_<hex>_moved`) on the source, and the
 * tenant's role on the source server when the target is another server. Irreversible; idempotent.
 */
export async function cleanupMovedSchema(source: MoveEndpoint, tenantId: string, { sameServerAsTarget }: CleanupMovedSchemaOptions): Promise<CleanupMovedSchemaResult> {
  const movedSchema = movedSchemaNameFor(tenantId);
  return withMoveClient(source.url, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_namespace where nspname = $1', [movedSchema]);
    await client.query(`drop schema if exists ${quoteIdentifier(movedSchema)} cascade`);
    const roleDropped = sameServerAsTarget ? false : await dropRoleIfUnused(client, roleNameFor(tenantId));
    return { schemaDropped: (rowCount ?? 0) > 0, roleDropped };
  });
}
