import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Epoch ms after which `onTimeout` is thrown. */
  deadline: number;
  intervalMs?: number;
  signal?: AbortSignal;
  onTimeout: () => Error;
  onAbort: () => Error;
}

/** Asks `probe` until it answers something other than undefined, the deadline passes or the signal aborts. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, { deadline, intervalMs = 100, signal, onTimeout, onAbort }: PollOptions): Promise<T> {
  for (;;) {
    if (signal?.aborted) throw onAbort();
    const answer = await probe();
    if (answer !== undefined) return answer;
    if (Date.now() >= deadline) throw onTimeout();
    await sleep(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}
