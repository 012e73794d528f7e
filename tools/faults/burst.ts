import { setTimeout as sleep } from 'node:timers/promises';
import type { Stack } from '@tenantry/e2e/stack';

/** What became of one logical request after its retries. */
export type Outcome =
  | { kind: 'accepted'; status: number; body: any }
  | { kind: 'rejected'; status: number; body: any }
  /** No answer within the budget (e.g. the service stayed unreachable). */
  | { kind: 'unknown'; reason: string };

export interface SendOptions {
  token: string;
  /** Sent on every try, so a retried create is still one tenant. */
  idempotencyKey?: string;
  /** Give up (outcome unknown) after this long; default 90 s. */
  budgetMs?: number;
  /** Told what each try got: the HTTP status, or the connection error's message. */
  onTry?: (result: number | string) => void;
}

/**
 * One logical request, retried like a careful client: on a refused connection, a 5xx or a 429,
 * wait and try again with the same body (and key).
 */
export async function send(stack: Stack, method: string, path: string, body: unknown, options: SendOptions): Promise<Outcome> {
  const deadline = Date.now() + (options.budgetMs ?? 90_000);
  let delay = 100;
  let reason = 'no try';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.token}`,
          ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : null;
      options.onTry?.(response.status);
      if (response.status < 300) return { kind: 'accepted', status: response.status, body: parsed };
      const retriable = response.status >= 500 || response.status === 429;
      if (!retriable) return { kind: 'rejected', status: response.status, body: parsed };
      reason = `${response.status} ${parsed?.code ?? ''}`.trim();
    } catch (error) {
      reason = (error as Error).cause ? String(((error as Error).cause as Error).message) : (error as Error).message;
      options.onTry?.(reason);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 2_000);
  }
  return { kind: 'unknown', reason };
}

/** Runs `work` over `items` with at most `concurrency` in flight, in order of start. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
