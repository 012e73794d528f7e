import type { EntityManager } from '@mikro-orm/postgresql';
import { TenantryError } from '@tenantry/errors';
import type { ControlOrm } from '../orm/index.ts';

export const IDEMPOTENCY_TTL_HOURS = 24;
const EXPIRED = `created_at < now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'`;

export interface IdempotencyScope {
  principal: string;
  route: string;
  key: string;
  requestHash: string;
}

/** The answer stored for a key and replayed to every retry. */
export interface IdempotentAnswer {
  statusCode: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyLookup = { kind: 'none' } | { kind: 'mismatch' } | { kind: 'replay'; answer: IdempotentAnswer };

/**
 * What a command needs to make its effect and its answer one commit: the key to take inside the
 * transaction and how to turn the command's result into the HTTP answer to store.
 */
export interface IdempotentCommand<T> {
  scope: IdempotencyScope;
  answer: (result: T) => IdempotentAnswer;
  /** Set once the answer is written inside the command's transaction. */
  recorded?: boolean;
}

/** Another request with the same key committed first; its stored answer is the one to give. */
export class IdempotencyKeyTakenError extends TenantryError {
  constructor(scope: Pick<IdempotencyScope, 'route' | 'key'>) {
    super(
      'TNT_ERR_IDEMPOTENCY_KEY_TAKEN',
      `Idempotency-Key ${JSON.stringify(scope.key)} on ${scope.route} was taken by a request that committed first; replay its answer.`,
    );
  }
}

type KeyRow = { request_hash: string; status_code: number | null; response: unknown; headers: Record<string, string> | null };

/**
 * The committed answer for a key, if any. Rows without an answer are pending claims written by the
 * earlier design (claim first, answer later); they are treated as absent so a key whose first
 * request died never blocks its retries.
 */
export async function findIdempotentAnswer(orm: ControlOrm, scope: IdempotencyScope): Promise<IdempotencyLookup> {
  const [row] = await orm.em
    .fork()
    .execute<KeyRow[]>(
      `select request_hash, status_code, response, headers from idempotency_keys
        where principal = ? and route = ? and key = ? and status_code is not null and not (${EXPIRED})`,
      [scope.principal, scope.route, scope.key],
    );
  if (!row) return { kind: 'none' };
  if (row.request_hash !== scope.requestHash) return { kind: 'mismatch' };
  return { kind: 'replay', answer: { statusCode: row.status_code!, body: row.response, headers: row.headers ?? {} } };
}

// Takes the key; an expired or answerless row is taken over. When another transaction holds the
// key uncommitted, PostgreSQL makes this insert wait for it: if it commits, nothing is returned.
const TAKE_KEY = `insert into idempotency_keys (principal, route, key, request_hash, status_code, response, headers)
  values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
  on conflict (principal, route, key) do update
    set request_hash = excluded.request_hash, status_code = excluded.status_code, response = excluded.response,
        headers = excluded.headers, created_at = now()
  where idempotency_keys.status_code is null or idempotency_keys.${EXPIRED}
  returning key`;

/**
 * Runs `work` inside the caller's transaction with the key taken first and the answer written
 * last, so the effect and its stored answer commit together: a process that dies before the commit
 * leaves neither, after it leaves both. A concurrent request with the same key waits on the key's
 * row and, once the first commits, gets IdempotencyKeyTakenError (its transaction rolls back).
 */
export async function idempotently<T>(em: EntityManager, command: IdempotentCommand<T> | undefined, work: () => Promise<T>): Promise<T> {
  if (!command) return work();
  const { principal, route, key, requestHash } = command.scope;
  const taken = await em.execute<{ key: string }[]>(TAKE_KEY, [principal, route, key, requestHash, null, null, null]);
  if (!taken.length) throw new IdempotencyKeyTakenError(command.scope);
  const result = await work();
  const answer = command.answer(result);
  await em.execute(`update idempotency_keys set status_code = ?, response = ?::jsonb, headers = ?::jsonb where principal = ? and route = ? and key = ?`, [
    answer.statusCode,
    JSON.stringify(answer.body ?? null),
    JSON.stringify(answer.headers),
    principal,
    route,
    key,
  ]);
  command.recorded = true;
  return result;
}

/**
 * Stores an answer given outside a command's transaction (a refusal such as 409 or 422, which
 * changed nothing). The first committed answer wins: a row already answered is left alone.
 */
export async function storeIdempotentAnswer(orm: ControlOrm, scope: IdempotencyScope, answer: IdempotentAnswer): Promise<void> {
  await orm.em
    .fork()
    .execute(TAKE_KEY, [
      scope.principal,
      scope.route,
      scope.key,
      scope.requestHash,
      answer.statusCode,
      JSON.stringify(answer.body ?? null),
      JSON.stringify(answer.headers),
    ]);
}

/** Deletes keys past their 24 h; returns how many. Run now and then (tenant-api does, hourly). */
export async function sweepExpiredIdempotencyKeys(orm: ControlOrm): Promise<number> {
  const deleted = await orm.em.fork().execute<{ key: string }[]>(`delete from idempotency_keys where ${EXPIRED} returning key`);
  return deleted.length;
}
