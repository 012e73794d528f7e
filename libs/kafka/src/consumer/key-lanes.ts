/**
 * The ordering rule of the consumer runner for one fetched batch of one partition, kept free of
 * Kafka so it can be tested on its own. Messages with the same key form a lane: a lane runs one
 * message at a time, in offset order; different lanes may run at once. Messages without a key
 * share one lane. `next()` always picks the lowest pending offset whose lane is free, so with one
 * message in flight at a time the batch runs in plain offset order.
 *
 * What may be committed is the longest run of finished messages from the start of the batch: a
 * message left unfinished (the consumer is stopping, or its dead letter could not be written)
 * blocks its lane and holds the commit point, so it and everything after it is fetched again.
 */
export class KeyLanes {
  readonly #lanes: string[];
  readonly #state: ('pending' | 'running' | 'done' | 'blocked')[];
  readonly #busy = new Set<string>();
  /** Messages [0, #done) are finished. */
  #done = 0;
  /** No message before this index is pending. */
  #firstPending = 0;

  /** `keys[i]` is the lane of message i (offset order); null = no key. */
  constructor(keys: readonly (string | null)[]) {
    // A NUL-prefixed name cannot collide with a lane name built by laneOf (base64).
    this.#lanes = keys.map((key) => key ?? '\0no-key');
    this.#state = keys.map(() => 'pending');
  }

  get size(): number {
    return this.#state.length;
  }

  /** The lowest pending message whose lane has nothing running or blocked, or undefined. */
  next(): number | undefined {
    while (this.#firstPending < this.#state.length && this.#state[this.#firstPending] !== 'pending') this.#firstPending++;
    for (let i = this.#firstPending; i < this.#state.length; i++) {
      if (this.#state[i] === 'pending' && !this.#busy.has(this.#lanes[i])) return i;
    }
    return undefined;
  }

  /** Marks message i as running; its lane runs nothing else until finish() or block(). */
  start(i: number): void {
    if (this.#state[i] !== 'pending' || this.#busy.has(this.#lanes[i])) {
      throw new Error(`KeyLanes: message ${i} cannot start (${this.#state[i]}, lane busy: ${this.#busy.has(this.#lanes[i])})`);
    }
    this.#state[i] = 'running';
    this.#busy.add(this.#lanes[i]);
  }

  /** Gives back a start() that never ran (e.g. the consumer began stopping meanwhile). */
  unstart(i: number): void {
    if (this.#state[i] !== 'running') throw new Error(`KeyLanes: message ${i} is not running`);
    this.#state[i] = 'pending';
    this.#busy.delete(this.#lanes[i]);
    this.#firstPending = Math.min(this.#firstPending, i);
  }

  /** Message i is handled (or dead-lettered); returns how many messages from the start are finished. */
  finish(i: number): number {
    if (this.#state[i] !== 'running') throw new Error(`KeyLanes: message ${i} is not running`);
    this.#state[i] = 'done';
    this.#busy.delete(this.#lanes[i]);
    while (this.#done < this.#state.length && this.#state[this.#done] === 'done') this.#done++;
    return this.#done;
  }

  /** Message i stays unfinished: its lane starts nothing more and the commit point cannot pass it. */
  block(i: number): void {
    if (this.#state[i] !== 'running') throw new Error(`KeyLanes: message ${i} is not running`);
    this.#state[i] = 'blocked';
  }

  /** How many messages from the start of the batch are finished (the commit point). */
  get finished(): number {
    return this.#done;
  }
}

/** The lane of a Kafka key: equal keys, equal lanes; null stays null (the shared no-key lane). */
export function laneOf(key: Buffer | null): string | null {
  return key === null ? null : key.toString('base64');
}

/** At most `max` holders at once, first come first served; waiting ends (with null) on abort. */
export function createLimiter(max: number, signal?: AbortSignal) {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${max}`);
  let held = 0;
  const waiting: ((release: (() => void) | null) => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next(once());
    else held--;
  };
  const once = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  signal?.addEventListener(
    'abort',
    () => {
      for (const wake of waiting.splice(0)) wake(null);
    },
    { once: true },
  );
  return {
    /** Resolves with a release function, or null when the signal aborted before a slot was free. */
    acquire(): Promise<(() => void) | null> {
      if (signal?.aborted) return Promise.resolve(null);
      if (held < max) {
        held++;
        return Promise.resolve(once());
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    get held() {
      return held;
    },
  };
}
