import type { Consumer, EachBatchPayload } from 'kafkajs';

/**
 * The commits of one fetched batch of one partition. They go out one after another, each for the
 * newest commit point (the longest finished run from the start of the batch), so a commit never
 * passes an unfinished message.
 */
export class PartitionCommits {
  #point = 0;
  #committed = 0;
  #chain = Promise.resolve();
  readonly #consumer: Consumer;
  readonly #payload: Pick<EachBatchPayload, 'batch' | 'resolveOffset'>;

  constructor(consumer: Consumer, payload: Pick<EachBatchPayload, 'batch' | 'resolveOffset'>) {
    this.#consumer = consumer;
    this.#payload = payload;
  }

  /** How many messages from the start of the batch are finished (and committed, or about to be). */
  get point(): number {
    return this.#point;
  }

  /** Commits up to the first `finished` messages of the batch (resolving the offset first). */
  commit(finished: number): Promise<void> {
    const { batch, resolveOffset } = this.#payload;
    this.#point = Math.max(this.#point, finished);
    this.#chain = this.#chain.then(async () => {
      if (this.#point <= this.#committed) return;
      const upTo = this.#point;
      const last = batch.messages[upTo - 1];
      resolveOffset(last.offset);
      await this.#consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      this.#committed = upTo;
    });
    return this.#chain;
  }

  /** The last commit asked for has gone out (or failed). */
  settled(): Promise<void> {
    return this.#chain;
  }
}
