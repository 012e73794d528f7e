import type { BenchArgs } from './args.ts';

export interface BenchContext {
  args: BenchArgs;
  brokers: string[];
  /** Progress lines on stderr; the report is the output. */
  log(line: string): void;
  /** Cleanups to run even when the run is interrupted (Ctrl-C) or a benchmark throws. */
  onCleanup(cleanup: () => Promise<void>): () => void;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` in `lanes` concurrent loops over `items`, keeping order of results. */
export async function inLanes<T, R>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}
