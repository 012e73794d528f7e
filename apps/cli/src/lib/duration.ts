import { CliError } from './cli-error.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `500ms`, `2s`, `1.5s`, `1m` or a bare number of milliseconds → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = match ? Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']) : NaN;
  if (!Number.isFinite(ms) || ms < 1) throw new CliError(`${option} ${JSON.stringify(text)} is not a duration like 500ms, 2s or 1m`);
  return ms;
}

/** Milliseconds for a human: `850ms`, `2.4s`, `3m12s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}
