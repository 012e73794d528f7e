import type { MessageOutcome } from './types.ts';

// A batch that only re-found parked messages waits this long (or until one settles) before it
// ends, so a partition whose only news is a parked message is not fetched in a tight loop.
const PARKED_IDLE_MS = 500;

/** A message of an earlier batch still parked (running) or finished after its batch ended. */
export type Carried = { offset: string; outcome: Promise<MessageOutcome>; settled?: MessageOutcome | 'failed'; error?: unknown };

/**
 * The parking role. Per `topic:partition`, by offset: parked messages that outlived their batch,
 * and the messages finished after them in that batch (not committed yet: a parked one comes
 * first). The next batch of the partition re-fetches them and takes their outcome instead of
 * running them again. stop() waits for the parked ones (the stop signal ends their wait).
 */
export class ParkedMessages {
  readonly #carried = new Map<string, Map<string, Carried>>();
  readonly #detached = new Set<Promise<unknown>>();

  /** What earlier batches of the partition `where` left; the entries are handed over once. */
  take(where: string): Map<string, Carried> {
    const earlier = this.#carried.get(where) ?? new Map<string, Carried>();
    this.#carried.delete(where);
    return earlier;
  }

  carry(where: string, entries: Map<string, Carried>): void {
    this.#carried.set(where, entries);
  }

  /** A parked message that outlives its batch; `settled()` waits for it. */
  carryParked(offset: string, outcome: Promise<MessageOutcome>): Carried {
    const entry: Carried = { offset, outcome };
    const settled = outcome.then(
      (result) => void (entry.settled = result),
      (error: unknown) => void Object.assign(entry, { settled: 'failed', error }),
    );
    this.#detached.add(settled);
    void settled.finally(() => this.#detached.delete(settled));
    return entry;
  }

  /** Every parked message that outlived its batch has ended. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.#detached]);
  }
}

/** Waits until one of `outcomes` settles, PARKED_IDLE_MS passes, or `signal` (the consumer's stop) aborts. */
export function idle(outcomes: Promise<unknown>[], signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, PARKED_IDLE_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    for (const outcome of outcomes) void outcome.then(done, done);
  });
}
