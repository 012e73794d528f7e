import type { ControlOrm } from './control-orm.ts';

export const IDEMPOTENCY_TTL_HOURS = 24;

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; statusCode: number; response: unknown; headers: Record<string, string> }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

export interface IdempotencyScope {
  principal: string;
  route: string;
  key: string;
  requestHash: string;
}

/**
 * Claims a key before the work runs: the first caller inserts a pending row; later callers see
 * the stored answer (same body), a mismatch (other body) or that the first is still running.
 * Expired rows (older than 24 h) are removed on the way.
 */
export async function claimIdempotencyKey(orm: ControlOrm, scope: IdempotencyScope): Promise<IdempotencyClaim> {
  const em = orm.em.fork();
  await em.execute(
    `delete from idempotency_keys where principal = ? and route = ? and key = ? and created_at < now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'`,
    [scope.principal, scope.route, scope.key],
  );
  const inserted = await em.execute<{ key: string }[]>(
    `insert into idempotency_keys (principal, route, key, request_hash) values (?, ?, ?, ?)
     on conflict do nothing returning key`,
    [scope.principal, scope.route, scope.key, scope.requestHash],
  );
  if (inserted.length) return { kind: 'claimed' };
  const [row] = await em.execute<{ request_hash: string; status_code: number | null; response: unknown; headers: Record<string, string> | null }[]>(
    `select request_hash, status_code, response, headers from idempotency_keys where principal = ? and route = ? and key = ?`,
    [scope.principal, scope.route, scope.key],
  );
  if (!row) return claimIdempotencyKey(orm, scope);
  if (row.request_hash !== scope.requestHash) return { kind: 'mismatch' };
  if (row.status_code === null) return { kind: 'in-progress' };
  return { kind: 'replay', statusCode: row.status_code, response: row.response, headers: row.headers ?? {} };
}

export async function completeIdempotencyKey(
  orm: ControlOrm,
  scope: Omit<IdempotencyScope, 'requestHash'>,
  statusCode: number,
  response: unknown,
  headers: Record<string, string>,
): Promise<void> {
  await orm.em
    .fork()
    .execute(`update idempotency_keys set status_code = ?, response = ?::jsonb, headers = ?::jsonb where principal = ? and route = ? and key = ?`, [
      statusCode,
      JSON.stringify(response ?? null),
      JSON.stringify(headers),
      scope.principal,
      scope.route,
      scope.key,
    ]);
}

/** Frees a key whose request failed unexpectedly, so a retry can run again. */
export async function releaseIdempotencyKey(orm: ControlOrm, scope: Omit<IdempotencyScope, 'requestHash'>): Promise<void> {
  await orm.em
    .fork()
    .execute(`delete from idempotency_keys where principal = ? and route = ? and key = ? and status_code is null`, [
      scope.principal,
      scope.route,
      scope.key,
    ]);
}
