import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { MessageHandler } from './handle-message.ts';
import { KeyLanes, laneOf, type createLimiter } from './key-lanes.ts';
import { idle, type Carried, type ParkedMessages } from './parking.ts';
import { PartitionCommits } from './partition-commits.ts';
import type { MessageOutcome } from './types.ts';

/** What every batch of one consumer shares. */
export interface BatchShared {
  consumer: Consumer;
  /** The consumer's stop. */
  signal: AbortSignal;
  /** One limit for the whole consumer, shared by the partitions handled at once. */
  slots: ReturnType<typeof createLimiter>;
  parking: ParkedMessages;
  handleMessage: MessageHandler;
}

type Task = { index: number; parked: boolean; outcome: Promise<MessageOutcome> };

/**
 * One fetched batch of one partition. Messages of different keys run at once (up to the shared
 * limit), a key's messages one after another in offset order (KeyLanes). After each message the
 * longest finished run from the start of the batch is resolved and committed, so a crash never
 * skips an unfinished message; it may redeliver finished ones after it (at least once).
 */
export function processBatch(payload: EachBatchPayload, shared: BatchShared): Promise<void> {
  return new BatchRun(payload, shared).process();
}

class BatchRun {
  readonly #payload: EachBatchPayload;
  readonly #shared: BatchShared;
  readonly #where: string;
  readonly #lanes: KeyLanes;
  readonly #commits: PartitionCommits;
  readonly #running = new Map<Promise<void>, Task>();
  readonly #finishedHere = new Set<number>();
  #failure: { error: unknown } | undefined;
  #progress = 0;
  // Set when the batch ends with parked messages still running: they finish in a later batch.
  #detached = false;
  #wakeLoop: () => void = () => {};

  constructor(payload: EachBatchPayload, shared: BatchShared) {
    this.#payload = payload;
    this.#shared = shared;
    this.#where = `${payload.batch.topic}:${payload.batch.partition}`;
    this.#lanes = new KeyLanes(payload.batch.messages.map((message) => laneOf(message.key)));
    this.#commits = new PartitionCommits(shared.consumer, payload);
  }

  async process(): Promise<void> {
    const beyond = this.#adoptCarried();
    await this.#startMessages();
    await this.#end(beyond);
    await this.#commits.settled().catch((error: unknown) => {
      this.#failure ??= { error };
    });
    // kafkajs fetches this partition again from the last resolved offset: the first unfinished message.
    if (this.#failure) throw this.#failure.error;
  }

  #finish(index: number): Promise<void> {
    this.#finishedHere.add(index);
    return this.#commits.commit(this.#lanes.finish(index));
  }

  // After stop() began, or once a message of this batch failed for good, nothing more starts:
  // an unfinished message must not be skipped over by a later commit.
  #halted(): boolean {
    const { isRunning, isStale } = this.#payload;
    return this.#shared.signal.aborted || this.#failure !== undefined || !isRunning() || isStale();
  }

  #track(task: Task, release?: () => void): void {
    const settled = (async () => {
      const result = await task.outcome;
      if (this.#detached) return;
      if (result === 'left') {
        this.#lanes.block(task.index);
        return;
      }
      this.#progress++;
      await this.#finish(task.index);
      // As kafkajs does after each message: a rebalance shows up here and ends the batch.
      await this.#payload.heartbeat();
    })()
      .catch((error: unknown) => {
        if (!this.#detached) this.#failure ??= { error };
      })
      .finally(() => {
        release?.();
        this.#running.delete(settled);
        this.#wakeLoop();
      });
    this.#running.set(settled, task);
  }

  /**
   * What earlier batches of this partition left: a parked message still running keeps its lane
   * busy; one that finished meanwhile (or a message finished behind it) counts as finished.
   * Returns the carried ones this fetch stopped short of.
   */
  #adoptCarried(): Carried[] {
    const { messages } = this.#payload.batch;
    const earlier = this.#shared.parking.take(this.#where);
    const lastOffset = messages.length > 0 ? BigInt(messages[messages.length - 1].offset) : -1n;
    const beyond = [...earlier.values()].filter((entry) => BigInt(entry.offset) > lastOffset);
    messages.forEach((message, index) => {
      const entry = earlier.get(message.offset);
      if (!entry) return;
      this.#lanes.start(index);
      if (entry.settled === 'done') void this.#finish(index);
      else if (entry.settled === 'left' || entry.settled === 'failed') {
        this.#lanes.block(index);
        if (entry.settled === 'failed') this.#failure ??= { error: entry.error };
      } else this.#track({ index, parked: true, outcome: entry.outcome });
    });
    return beyond;
  }

  #run(index: number, release: () => void): void {
    const { batch, heartbeat } = this.#payload;
    const task: Task = { index, parked: false, outcome: Promise.resolve('left') };
    const park = () => {
      if (task.parked) return;
      task.parked = true;
      release(); // a parked message waits outside the concurrency limit
      this.#wakeLoop();
    };
    task.outcome = this.#shared.handleMessage({ topic: batch.topic, partition: batch.partition, message: batch.messages[index], heartbeat, park });
    this.#track(task, release);
  }

  async #startMessages(): Promise<void> {
    while (!this.#halted()) {
      const index = this.#lanes.next();
      if (index === undefined) {
        if (this.#running.size === 0) break; // every message finished
        if (this.#parkedTasks().length === this.#running.size) break; // only parked ones: they finish in a later batch
        await Promise.race([...this.#running.keys(), new Promise<void>((resolve) => (this.#wakeLoop = resolve))]);
        continue;
      }
      this.#lanes.start(index);
      const release = await this.#shared.slots.acquire();
      if (!release || this.#halted()) {
        release?.();
        this.#lanes.unstart(index);
        break;
      }
      this.#progress++;
      this.#run(index, release);
    }
  }

  #parkedTasks(): Task[] {
    return [...this.#running.values()].filter((task) => task.parked);
  }

  /** Lets the batch's running messages finish, or hands the parked ones to a later batch. */
  async #end(beyond: Carried[]): Promise<void> {
    const { signal, parking } = this.#shared;
    let parked = this.#parkedTasks();
    if (parked.length > 0 && !signal.aborted) {
      // Other work of this batch ends first; then, if nothing new happened here, a short wait so
      // that fetching the same parked messages again is not a tight loop.
      await Promise.all([...this.#running.entries()].filter(([, task]) => !task.parked).map(([settled]) => settled));
      if (this.#progress === 0) await idle(parked.map((task) => task.outcome), signal);
      parked = this.#parkedTasks();
    }
    if (parked.length > 0 && !signal.aborted) {
      this.#detach(parked, beyond);
      return;
    }
    await Promise.all(this.#running.keys());
    if (beyond.length > 0) parking.carry(this.#where, new Map(beyond.map((entry) => [entry.offset, entry])));
  }

  #detach(parked: Task[], beyond: Carried[]): void {
    const { messages } = this.#payload.batch;
    this.#detached = true;
    const carry = new Map<string, Carried>(beyond.map((entry) => [entry.offset, entry]));
    for (const index of this.#finishedHere) {
      const { offset } = messages[index];
      if (index >= this.#commits.point) carry.set(offset, { offset, outcome: Promise.resolve('done'), settled: 'done' });
    }
    for (const task of parked) carry.set(messages[task.index].offset, this.#shared.parking.carryParked(messages[task.index].offset, task.outcome));
    this.#shared.parking.carry(this.#where, carry);
  }
}
