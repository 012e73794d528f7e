import type { FleetLedger, FleetLedgerWrite } from './ledger.ts';
import { LedgerWriter } from './ledger-writer.ts';

/** A ledger in memory that remembers every call; `refuse` makes writes touching that tenant fail. */
function memoryLedger({ batched = true, refuse }: { batched?: boolean; refuse?: string } = {}) {
  const recorded = new Map<string, string>();
  const calls: string[][] = [];
  const ledger: FleetLedger = {
    read: async () => [],
    record: async (tenantId, schemaVersion) => {
      calls.push([tenantId]);
      if (tenantId === refuse) throw new Error(`refused ${tenantId}`);
      recorded.set(tenantId, schemaVersion);
    },
    ...(batched
      ? {
          recordMany: async (entries: readonly FleetLedgerWrite[]) => {
            calls.push(entries.map((e) => e.tenantId));
            // Like one control transaction: a refused row fails the whole write, nothing is kept.
            if (entries.some((e) => e.tenantId === refuse)) throw new Error('batch refused');
            for (const e of entries) recorded.set(e.tenantId, e.schemaVersion);
            return entries.map((e) => (e.tenantId === 'unknown' ? new Error('Tenant unknown does not exist.') : null));
          },
        }
      : {}),
  };
  return { ledger, recorded, calls };
}

describe('LedgerWriter', () => {
  it('writes a full batch at once and the rest after the delay, in order', async () => {
    const { ledger, calls } = memoryLedger();
    const writer = new LedgerWriter(ledger, { batchSize: 3, maxDelayMs: 50 });
    const started = performance.now();
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((id) => writer.write(id, 'v2')));
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(outcomes.every((o) => o.error === undefined && o.ms >= 0)).toBe(true);
  });

  it('flush() writes what is queued without waiting for the delay', async () => {
    const { ledger, calls, recorded } = memoryLedger();
    const writer = new LedgerWriter(ledger, { batchSize: 100, maxDelayMs: 60_000 });
    const pending = [writer.write('a', 'v2'), writer.write('b', 'v2')];
    await writer.flush();
    expect(calls).toEqual([['a', 'b']]);
    expect([...recorded.keys()]).toEqual(['a', 'b']);
    await Promise.all(pending);
  });

  it('reports the entries the ledger refused one by one, the others as written', async () => {
    const { ledger } = memoryLedger();
    const writer = new LedgerWriter(ledger, { batchSize: 3 });
    const [a, unknown, c] = await Promise.all([writer.write('a', 'v2'), writer.write('unknown', 'v2'), writer.write('c', 'v2')]);
    expect(a.error).toBeUndefined();
    expect(unknown.error).toEqual(new Error('Tenant unknown does not exist.'));
    expect(c.error).toBeUndefined();
  });

  it('a batch that fails as a whole is retried tenant by tenant: only the bad entry fails', async () => {
    const { ledger, calls, recorded } = memoryLedger({ refuse: 'b' });
    const writer = new LedgerWriter(ledger, { batchSize: 3 });
    const outcomes = await Promise.all(['a', 'b', 'c'].map((id) => writer.write(id, 'v2')));
    expect(calls).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    expect(outcomes.map((o) => (o.error as Error | undefined)?.message)).toEqual([undefined, 'refused b', undefined]);
    expect([...recorded.keys()].sort()).toEqual(['a', 'c']);
  });

  it('without recordMany, every entry is recorded on its own, right away', async () => {
    const { ledger, calls } = memoryLedger({ batched: false, refuse: 'b' });
    const writer = new LedgerWriter(ledger, { batchSize: 100, maxDelayMs: 60_000 });
    expect(writer.batching).toBe(false);
    const outcomes = await Promise.all(['a', 'b'].map((id) => writer.write(id, 'v2')));
    expect(calls).toEqual([['a'], ['b']]);
    expect(outcomes.map((o) => (o.error as Error | undefined)?.message)).toEqual([undefined, 'refused b']);
  });
});
