/** Percentiles and ratios for the benchmark report. Pure functions: see stats.spec.ts. */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p % of the samples at or below it),
 * so every reported figure is a latency that really happened. `p` in 0..100.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no samples: the benchmark measured nothing; check its log.');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: round(sorted[0]),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length),
  };
}

/** `value / floor`, rounded to 2 decimals; null when the floor is zero or missing. */
export function ratio(value: number, floor: number | null | undefined): number | null {
  if (floor == null || floor === 0 || !Number.isFinite(floor) || !Number.isFinite(value)) return null;
  return round(value / floor, 2);
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export type TargetOp = '<=' | '>=';

export interface TargetCheck {
  /** What is compared, e.g. "p99 POST → active". */
  label: string;
  actual: number | null;
  op: TargetOp;
  limit: number;
  unit: string;
  met: boolean;
  /** How far from the limit when missed, in the unit and as a % of the limit; null when met or not measured. */
  missBy: { amount: number; percent: number } | null;
}

/** Judges one target. A figure that could not be measured (null) does not meet its target. */
export function checkTarget(label: string, actual: number | null, op: TargetOp, limit: number, unit: string): TargetCheck {
  if (actual == null || !Number.isFinite(actual)) return { label, actual: null, op, limit, unit, met: false, missBy: null };
  const met = op === '<=' ? actual <= limit : actual >= limit;
  const gap = Math.abs(actual - limit);
  return { label, actual, op, limit, unit, met, missBy: met ? null : { amount: round(gap, 2), percent: round((gap / Math.abs(limit)) * 100, 0) } };
}

/** Throughput in items per second. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? round((count * 1000) / ms, 2) : 0;
}
