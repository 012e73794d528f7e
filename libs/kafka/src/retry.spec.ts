import { NonRetriableError, RetriesExhaustedError, RetryAbortedError } from './errors.ts';
import { backoffDelay, createRetry } from './retry.ts';

const noWait = { sleep: async () => undefined, jitter: 0 };

describe('createRetry', () => {
  it('returns the first success and passes the attempt number', async () => {
    const seen: number[] = [];
    const result = await createRetry({ attempts: 5, ...noWait })(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new Error('flaky');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives up after the last attempt with the last error as cause', async () => {
    let calls = 0;
    const failure = createRetry({ attempts: 3, ...noWait })(async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    await expect(failure).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(failure).rejects.toMatchObject({ attempts: 3, retriable: false, message: 'Gave up after 3 attempt(s): Error: boom 3' });
    expect(calls).toBe(3);
  });

  it('does not retry an error marked retriable = false', async () => {
    let calls = 0;
    const poison = new NonRetriableError('bad payload');
    await expect(
      createRetry({ attempts: 5, ...noWait })(async () => {
        calls++;
        throw poison;
      }),
    ).rejects.toBe(poison);
    expect(calls).toBe(1);
  });

  it('waits with capped exponential backoff and reports each retry', async () => {
    const waits: number[] = [];
    const reported: number[] = [];
    await createRetry({
      attempts: 5,
      initialDelayMs: 100,
      maxDelayMs: 500,
      factor: 2,
      jitter: 0,
      sleep: async (ms) => void waits.push(ms),
      onRetry: ({ attempt }) => void reported.push(attempt),
    })(async (attempt) => {
      if (attempt < 5) throw new Error('again');
    });
    expect(waits).toEqual([100, 200, 400, 500]);
    expect(reported).toEqual([1, 2, 3, 4]);
    expect(backoffDelay(10, { initialDelayMs: 100, maxDelayMs: 500, factor: 2 })).toBe(500);
  });

  it('keeps jittered delays within the configured band', async () => {
    const waits: number[] = [];
    await createRetry({ attempts: 30, initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.2, sleep: async (ms) => void waits.push(ms) })(
      async (attempt) => {
        if (attempt < 30) throw new Error('again');
      },
    );
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1200);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = createRetry({ attempts: 5, initialDelayMs: 60_000, signal: controller.signal })(async () => {
      throw new Error('down');
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(RetryAbortedError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects a nonsensical attempts option', () => {
    expect(() => createRetry({ attempts: 0 })).toThrow(/attempts must be an integer >= 1/);
  });
});
