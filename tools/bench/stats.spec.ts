import { checkTarget, percentile, perSecond, ratio, summarize } from './stats.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('returns a sample that really happened', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });

  it('refuses no samples and out-of-range percentiles', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
  });

  it('summarizes without changing the input', () => {
    const input = [3, 1, 2];
    expect(summarize(input)).toEqual({ n: 3, min: 1, p50: 2, p90: 3, p99: 3, max: 3, mean: 2 });
    expect(input).toEqual([3, 1, 2]);
  });
});

describe('ratio, rate and targets', () => {
  it('divides by the floor and gives null without one', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(5, null)).toBeNull();
    expect(perSecond(1000, 2000)).toBe(500);
  });

  it('says whether a target is met and by how much it is missed', () => {
    expect(checkTarget('p50', 80, '<=', 100, 'ms')).toMatchObject({ met: true, missBy: null });
    expect(checkTarget('p50', 150, '<=', 100, 'ms')).toMatchObject({ met: false, missBy: { amount: 50, percent: 50 } });
    expect(checkTarget('rate', 0.1, '>=', 0.2, '×')).toMatchObject({ met: false, missBy: { amount: 0.1, percent: 50 } });
    expect(checkTarget('rate', null, '>=', 0.2, '×')).toMatchObject({ met: false, actual: null });
  });
});
