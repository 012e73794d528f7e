import type { FleetLedger, FleetLedgerWrite } from './ledger.ts';

export interface LedgerWriteOutcome {
  /** Why the tenant's ledger entry was not written (undefined: written). */
  error?: unknown;
  /** This tenant's share of the write: the write's duration divided by the tenants it carried. */
  ms: number;
}

export interface LedgerWriterOptions {
  /** Entries per write (default 100). */
  batchSize?: number;
  /** Longest time an entry waits for its batch to fill before it is written anyway (default 200 ms). */
  maxDelayMs?: number;
}

/**
 * Writes `migrate up`'s control-ledger entries. With `ledger.recordMany` they are batched: a write
 * goes out when `batchSize` entries are queued, when the oldest has waited `maxDelayMs`, or on
 * `flush()`; one write at a time, in order. A batch that fails as a whole is retried one tenant at a
 * time through `ledger.record`, so one bad entry cannot fail the others. Without `recordMany`,
 * every entry is its own `ledger.record` call, right away.
 *
 * Only committed schemas are queued, so the ledger never runs ahead of a schema; entries still
 * queued when the process dies are lost, and the next run finds those ledgers behind their schemas
 * and records them.
 */
export class LedgerWriter {
  readonly #ledger: FleetLedger;
  readonly #batchSize: number;
  readonly #maxDelayMs: number;
  #queue: { entry: FleetLedgerWrite; done: (outcome: LedgerWriteOutcome) => void }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(ledger: FleetLedger, { batchSize = 100, maxDelayMs = 200 }: LedgerWriterOptions = {}) {
    this.#ledger = ledger;
    this.#batchSize = Math.max(1, batchSize);
    this.#maxDelayMs = maxDelayMs;
  }

  /** Whether entries are batched (the ledger has `recordMany`). */
  get batching(): boolean {
    return this.#ledger.recordMany !== undefined;
  }

  /** Queues one entry; resolves once it was written (or failed to be). Never rejects. */
  write(tenantId: string, schemaVersion: string): Promise<LedgerWriteOutcome> {
    const entry = { tenantId, schemaVersion };
    if (!this.#ledger.recordMany) return this.#single(entry);
    return new Promise((done) => {
      this.#queue.push({ entry, done });
      if (this.#queue.length >= this.#batchSize) this.#send();
      else this.#timer ??= setTimeout(() => this.#send(), this.#maxDelayMs);
    });
  }

  /** Writes everything queued now and waits for every write started so far. */
  async flush(): Promise<void> {
    if (this.#queue.length > 0) this.#send();
    await this.#writing;
  }

  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    this.#writing = this.#writing.then(() => this.#writeBatch(batch));
  }

  async #writeBatch(batch: { entry: FleetLedgerWrite; done: (outcome: LedgerWriteOutcome) => void }[]): Promise<void> {
    const started = performance.now();
    let outcomes: readonly (Error | null)[] | undefined;
    try {
      outcomes = await this.#ledger.recordMany!(batch.map((item) => item.entry));
      if (outcomes.length !== batch.length) throw new Error(`the ledger answered ${outcomes.length} outcomes for ${batch.length} entries`);
    } catch {
      outcomes = undefined;
    }
    if (outcomes) {
      const ms = (performance.now() - started) / batch.length;
      batch.forEach((item, i) => item.done(outcomes[i] ? { error: outcomes[i], ms } : { ms }));
      return;
    }
    // The batch failed as a whole (nothing of it was kept): one by one, so only the bad entry fails.
    for (const item of batch) item.done(await this.#single(item.entry));
  }

  async #single(entry: FleetLedgerWrite): Promise<LedgerWriteOutcome> {
    const started = performance.now();
    try {
      await this.#ledger.record(entry.tenantId, entry.schemaVersion);
      return { ms: performance.now() - started };
    } catch (error) {
      return { error, ms: performance.now() - started };
    }
  }
}
