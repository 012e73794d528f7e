import fc from 'fast-check';
import { KeyLanes, createLimiter, laneOf } from './key-lanes.ts';

/** Starts everything next() allows, up to `limit` running; returns what it started. */
function startAll(lanes: KeyLanes, running: Set<number>, limit = Infinity): number[] {
  const started: number[] = [];
  for (let i = lanes.next(); i !== undefined && running.size < limit; i = lanes.next()) {
    lanes.start(i);
    running.add(i);
    started.push(i);
  }
  return started;
}

describe('KeyLanes', () => {
  it('one at a time, runs a batch in plain offset order', () => {
    const lanes = new KeyLanes(['a', 'b', 'a', 'c', 'b']);
    const order: number[] = [];
    for (let i = lanes.next(); i !== undefined; i = lanes.next()) {
      lanes.start(i);
      order.push(i);
      lanes.finish(i);
    }
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(lanes.finished).toBe(5);
  });

  it('runs different keys at once and holds back the later messages of a key that is running', () => {
    const lanes = new KeyLanes(['a', 'b', 'a', 'c', 'b']);
    const running = new Set<number>();
    expect(startAll(lanes, running)).toEqual([0, 1, 3]); // 2 waits for 0, 4 waits for 1
    running.delete(1);
    lanes.finish(1);
    expect(startAll(lanes, running)).toEqual([4]);
    running.delete(0);
    lanes.finish(0);
    expect(startAll(lanes, running)).toEqual([2]);
  });

  it('commits only the finished run from the start of the batch', () => {
    const lanes = new KeyLanes(['a', 'b', 'c']);
    startAll(lanes, new Set());
    expect(lanes.finish(2)).toBe(0);
    expect(lanes.finish(1)).toBe(0);
    expect(lanes.finish(0)).toBe(3);
  });

  it('a blocked message holds its lane and the commit point; other lanes go on', () => {
    const lanes = new KeyLanes(['a', 'b', 'a', 'b']);
    startAll(lanes, new Set());
    lanes.block(0);
    expect(lanes.finish(1)).toBe(0);
    expect(lanes.next()).toBe(3); // 'b' goes on, 'a' (index 2) never starts after the blocked 0
    lanes.start(3);
    expect(lanes.finish(3)).toBe(0);
    expect(lanes.next()).toBeUndefined();
  });

  it('puts every message without a key in one lane, apart from keyed ones', () => {
    const lanes = new KeyLanes([laneOf(null), laneOf(Buffer.from('k')), laneOf(null)]);
    expect(startAll(lanes, new Set())).toEqual([0, 1]);
  });

  it('gives back a start that never ran', () => {
    const lanes = new KeyLanes(['a', 'a']);
    lanes.start(0);
    expect(lanes.next()).toBeUndefined();
    lanes.unstart(0);
    expect(lanes.next()).toBe(0);
  });

  it('refuses to start a message whose lane is busy', () => {
    const lanes = new KeyLanes(['a', 'a']);
    lanes.start(0);
    expect(() => lanes.start(1)).toThrow(/cannot start/);
  });

  it('property: any completion order keeps each key in offset order, one at a time, and the commit point never passes an unfinished message', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', null), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.nat()),
        (keys, limit, choices) => {
          const lanes = new KeyLanes(keys);
          const running = new Set<number>();
          const finished = new Set<number>();
          const order = new Map<string | null, number[]>();
          const pick = choices[Symbol.iterator]();
          for (;;) {
            for (const i of startAll(lanes, running, limit)) {
              const lane = keys[i];
              // No other message of the lane is running.
              for (const other of running) if (other !== i && keys[other] === lane) return false;
              order.set(lane, [...(order.get(lane) ?? []), i]);
            }
            if (running.size === 0) break;
            const choice = pick.next().value;
            const done = [...running][choice % running.size];
            running.delete(done);
            if (choice % 7 === 0) {
              // Now and then a start is given back (the consumer stopped before it ran): it must run later, in order.
              lanes.unstart(done);
              order.set(keys[done], order.get(keys[done])!.filter((index) => index !== done));
              continue;
            }
            finished.add(done);
            const point = lanes.finish(done);
            for (let i = 0; i < point; i++) if (!finished.has(i)) return false;
            if (point < keys.length && finished.has(point)) return false;
          }
          // Everything ran, each lane in offset order.
          if (finished.size !== keys.length || lanes.finished !== keys.length) return false;
          return [...order.values()].every((list) => list.every((index, n) => n === 0 || list[n - 1] < index));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('createLimiter', () => {
  it('lets `max` holders in, then the waiters in arrival order', async () => {
    const limiter = createLimiter(2);
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const order: string[] = [];
    const third = limiter.acquire().then((release) => (order.push('third'), release));
    const fourth = limiter.acquire().then((release) => (order.push('fourth'), release));
    expect(limiter.held).toBe(2);
    first!();
    first!(); // releasing twice counts once
    (await third)!();
    second!();
    (await fourth)!();
    expect(order).toEqual(['third', 'fourth']);
    expect(limiter.held).toBe(0);
  });

  it('ends every wait with null once the signal aborts, and hands out nothing after', async () => {
    const stopping = new AbortController();
    const limiter = createLimiter(1, stopping.signal);
    await limiter.acquire();
    const waiting = limiter.acquire();
    stopping.abort();
    await expect(waiting).resolves.toBeNull();
    await expect(limiter.acquire()).resolves.toBeNull();
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});
