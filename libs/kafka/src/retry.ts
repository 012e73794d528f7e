import { RetriesExhaustedError, RetryAbortedError, isRetriable } from './errors.ts';
import { RETRY_DEFAULTS } from './retry-defaults.ts';

export interface RetryOptions {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: number;
  /** Aborting stops waiting at once; the pending retry rejects with RetryAbortedError. */
  signal?: AbortSignal;
  /** How to wait; the consumer runner passes one that keeps heartbeating. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (info: { error: unknown; attempt: number; delayMs: number }) => void;
}

/** Delay after failed attempt `attempt` (1-based), before jitter. */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor'>): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** (attempt - 1));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RetryAbortedError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RetryAbortedError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `createRetry(opts)(fn)` runs `fn(attempt)` until it resolves. An error with `retriable === false`
 * is rethrown at once; after the last attempt a RetriesExhaustedError wraps the last error.
 * Errors from waiting itself (abort, a failed heartbeat) propagate unchanged.
 */
export function createRetry(options: Partial<RetryOptions> = {}) {
  const opts = { ...RETRY_DEFAULTS, ...options };
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer >= 1, got ${opts.attempts}`);
  }
  const sleep = opts.sleep ?? abortableSleep;

  return async function retry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw new RetryAbortedError(opts.signal.reason);
      try {
        return await fn(attempt);
      } catch (error) {
        if (!isRetriable(error)) throw error;
        if (attempt >= opts.attempts) throw new RetriesExhaustedError(attempt, error);
        const base = backoffDelay(attempt, opts);
        const delayMs = Math.round(base * (1 + opts.jitter * (2 * Math.random() - 1)));
        opts.onRetry?.({ error, attempt, delayMs });
        await sleep(delayMs, opts.signal);
      }
    }
  };
}
