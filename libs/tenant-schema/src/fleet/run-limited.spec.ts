import { runLimited } from './run-limited.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('runLimited', () => {
  it('never runs more than `concurrency` at once and visits every item in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const count = await runLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      peak = Math.max(peak, ++inFlight);
      await tick();
      inFlight--;
    });
    expect(count).toBe(7);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('starts nothing new once aborted but lets the items in flight finish', async () => {
    const controller = new AbortController();
    const finished: number[] = [];
    const count = await runLimited(
      [1, 2, 3, 4, 5, 6],
      2,
      async (n) => {
        if (n === 3) controller.abort();
        await tick();
        finished.push(n);
      },
      controller.signal,
    );
    expect(count).toBe(3);
    expect(finished.sort()).toEqual([1, 2, 3]);
  });
});
