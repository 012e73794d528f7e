import type { Logger } from '@tenantry/logger';
import { tenantSchemaLockKey } from '../schema/index.ts';
import { movedSchemaNameFor, roleNameFor, schemaNameFor, tenantIdHex } from '../schema/index.ts';
import { TenantMoveError } from './move-errors.ts';
import type { TenantMovePlan } from './move-types.ts';
import { readServerIdentity, type ServerIdentity } from './server-identity.ts';

export interface MoveNames {
  schema: string;
  role: string;
  /** The source schema's name once the move has flipped. */
  movedSchema: string;
  /** Publication (source), replication slot (source server) and subscription (target) share it. */
  replication: string;
  /** The advisory lock every writer of the schema takes. */
  lockKey: string;
}

export function moveNamesFor(tenantId: string): MoveNames {
  const schema = schemaNameFor(tenantId);
  return {
    schema,
    role: roleNameFor(tenantId),
    movedSchema: movedSchemaNameFor(tenantId),
    replication: `tenantry_move_${tenantIdHex(tenantId)}`,
    lockKey: tenantSchemaLockKey(schema),
  };
}

/** What every step of one move needs. */
export interface MoveContext {
  plan: TenantMovePlan;
  names: MoveNames;
  source: ServerIdentity;
  target: ServerIdentity;
  /** Source and target are databases of one server: the role is shared, nothing to create or drop. */
  sameServer: boolean;
  log?: Logger;
  signal?: AbortSignal;
}

export async function openMoveContext(plan: TenantMovePlan, { logger, signal }: { logger?: Logger; signal?: AbortSignal } = {}): Promise<MoveContext> {
  const names = moveNamesFor(plan.tenantId);
  const [source, target] = await Promise.all([identify(plan.source), identify(plan.target)]);
  const sameServer = source.server === target.server;
  if (sameServer && source.database === target.database) {
    throw new TenantMoveError(
      'TNT_ERR_MOVE_SAME_DATABASE',
      `"${plan.source.name}" and "${plan.target.name}" are the same PostgreSQL database; a move needs another database.`,
    );
  }
  const log = logger?.child({ tenant_id: plan.tenantId, schema: names.schema, from: plan.source.name, to: plan.target.name, mode: plan.mode });
  return { plan, names, source, target, sameServer, log, signal };
}

async function identify(endpoint: TenantMovePlan['source']): Promise<ServerIdentity> {
  try {
    return await readServerIdentity(endpoint.url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TenantMoveError('TNT_ERR_MOVE_DATABASE_UNREACHABLE', `Database "${endpoint.name}" cannot be reached (${reason}); run the move again once it answers.`, {
      cause: error,
    });
  }
}
