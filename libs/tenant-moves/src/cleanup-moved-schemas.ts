import { listMovesToClean, markMoveCleaned, type TenantMoveRecord } from '@tenantry/control-db';
import { cleanupMovedSchema, onSameServer } from '@tenantry/tenant-schema';
import type { MoveRunnerDeps } from './run-tenant-move.ts';

/**
 * Drops the old schemas that finished moves left on their sources (one tenant's, or all), and their
 * roles where the source is another server than the tenant's new home. Returns the moves cleaned.
 */
export async function cleanupMovedSchemas(deps: Pick<MoveRunnerDeps, 'orm' | 'databases'>, tenantId?: string): Promise<TenantMoveRecord[]> {
  const cleaned: TenantMoveRecord[] = [];
  for (const move of await listMovesToClean(deps.orm, tenantId)) {
    const source = { name: move.from, url: await deps.databases.url(move.from) };
    const target = { name: move.to, url: await deps.databases.url(move.to) };
    await cleanupMovedSchema(source, move.tenantId, { sameServerAsTarget: await onSameServer(source, target) });
    await markMoveCleaned(deps.orm, move.id);
    cleaned.push(move);
  }
  return cleaned;
}
