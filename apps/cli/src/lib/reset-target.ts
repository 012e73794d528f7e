import type { ResetTarget } from '@tenantry/kafka';
import { CliError } from './cli-error.ts';

/** `--to`: `earliest`, `latest`, an ISO 8601 time, or one offset for every partition. */
export function parseResetTarget(text: string): ResetTarget {
  if (text === 'earliest' || text === 'latest') return { kind: text };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) return { kind: 'time', at: new Date(text) };
  throw new CliError(`--to ${JSON.stringify(text)} is not earliest, latest, an ISO 8601 time (2026-11-22T10:00:00Z) or an offset (a whole number)`);
}

export function describeTarget(target: ResetTarget): string {
  if (target.kind === 'time') return target.at.toISOString();
  if (target.kind === 'offset') return `offset ${target.offset}`;
  return target.kind;
}
