/**
 * Runs `work` over `items` with at most `concurrency` in flight, in order. Once `signal` aborts, no
 * new item starts; the ones in flight finish. `work` must not throw: it reports its own failures.
 * Returns how many items were started.
 */
export async function runLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return next;
}
