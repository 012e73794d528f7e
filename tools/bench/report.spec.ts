import { parseArgs, benchmarksToRun, UsageError } from './args.ts';
import { summarizeCpuProfile, areaOf } from './cpu-profile.ts';
import { emptyResult, formatOutcome, markdownTable, renderMarkdown, type BenchReport } from './report.ts';
import { checkTarget } from './stats.ts';

const machine = { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 4, kernel: '6.1', os: 'Debian', hostname: 'h' };

function report(): BenchReport {
  const result = emptyResult('post-to-active', 'POST → active');
  result.targets.push(checkTarget('p50', 150, '<=', 100, 'ms'), checkTarget('p50 / floor', 2.5, '<=', 3, '×'));
  result.tables.push({ title: 'Latency (ms)', columns: ['path', 'p50'], rows: [['a|b', 1.5]] });
  result.profile.push('the schema transaction dominates');
  return {
    generatedAt: '2026-11-22T00:00:00.000Z',
    command: 'npm run bench',
    quick: false,
    totalMs: 60_000,
    machine,
    versions: { node: 'v24' },
    settings: { 'PostgreSQL fsync': 'on' },
    load: { start: [5, 4, 3], end: [1, 1, 1], max1m: 6 },
    results: [result],
  };
}

describe('report', () => {
  it('renders targets with the miss, escapes table cells and flags a loaded machine', () => {
    const md = renderMarkdown(report());
    expect(md).toContain('| POST → active: p50 | <= 100 ms | 150 ms | **missed** by 50 ms (50 % of the limit) |');
    expect(md).toContain('| POST → active: p50 / floor | <= 3× | 2.5× | met |');
    expect(md).toContain('| a\\|b | 1.5 |');
    expect(md).toContain('the load average reached 6.0 on 2 CPUs');
    expect(md).toContain('- the schema transaction dominates');
  });

  it('words a missed percentage in points', () => {
    expect(formatOutcome(checkTarget('rate', 21, '>=', 70, '%'))).toBe('**missed** by 49 percentage points');
    expect(markdownTable({ columns: ['a'], rows: [[null], [true]] })).toBe('| a |\n| --- |\n| – |\n| yes |');
  });
});

describe('args', () => {
  it('parses flags and scales down with --quick', () => {
    expect(parseArgs([])).toMatchObject({ quick: false, fleet: 10_000, privateBroker: false, out: 'docs' });
    expect(parseArgs(['--quick', '--only', 'fleet,burst'])).toMatchObject({ quick: true, fleet: 200, only: ['fleet', 'burst'] });
    expect(parseArgs(['--fleet', '500']).fleet).toBe(500);
    expect(() => parseArgs(['--only', 'nope'])).toThrow(UsageError);
    expect(() => parseArgs(['--fleet', '0'])).toThrow(/whole number/);
    expect([...benchmarksToRun(['memory'])].sort()).toEqual(['burst', 'fleet', 'memory']);
  });
});

describe('cpu profile summary', () => {
  it('buckets self time by package and keeps only the window', () => {
    expect(areaOf('file:///repo/node_modules/@mikro-orm/core/x.js', 'f')).toBe('@mikro-orm/core');
    expect(areaOf('file:///repo/libs/control-db/src/a.ts', 'f')).toBe('libs/control-db');
    expect(areaOf('node:fs', 'f')).toBe('node internals');
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('load', 'node:internal/modules/x'), hitCount: 2 },
        { id: 3, callFrame: frame('parse', 'file:///r/node_modules/pg/lib/result.js'), hitCount: 2 },
      ],
      startTime: 0,
      endTime: 4_000_000,
      samples: [2, 2, 3, 3],
      timeDeltas: [1_000_000, 1_000_000, 1_000_000, 1_000_000],
    };
    const window = summarizeCpuProfile(profile, { fromEndMs: 1500, toEndMs: 0 });
    expect(window.byArea).toEqual([{ area: 'pg', ms: 1500, percent: 100 }]);
    expect(summarizeCpuProfile(profile).byArea.map((a) => a.area)).toEqual(['node internals', 'pg']);
  });
});
