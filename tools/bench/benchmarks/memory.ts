import { memoryWindows } from '../memory-record.ts';
import { emptyResult, type BenchResult } from '../report.ts';
import { checkTarget, round } from '../stats.ts';

/** Growth tolerated between two identical runs before it counts as growth: GC timing alone moves RSS this much. */
export const GROWTH_TOLERANCE_PERCENT = 10;

/** The memory section, from the peaks the burst and fleet benchmarks recorded while they ran. */
export function memoryResult(): BenchResult {
  const result = emptyResult('memory', 'Memory');
  result.method = [
    'RSS of each process from /proc/<pid>/status every 100 ms while the window lasts (peak VmRSS and peak RssAnon), VmHWM as last seen (the whole life of the process), and the lowest RSS over 10 s of idling after the window (settled).',
    'Burst: the three services, which keep running from run 1 into run 2 (same processes). Fleet migration: the `tenantry migrate up` process (the services take no part in it; PostgreSQL backends are in the fleet section).',
    `"No growth": for each service, the smaller of the two growths (peak RSS, settled RSS) from run 1 to run 2 is within ${GROWTH_TOLERANCE_PERCENT} %. A leak raises both the peak and what the process keeps when idle; either one alone moves with garbage-collector timing and with how much work was in flight (the two runs do not see the same machine load).`,
  ];
  const rows: (string | number | null)[][] = [];
  for (const window of memoryWindows) {
    for (const p of window.processes) {
      rows.push([window.window, p.label, p.peakRssMiB, p.peakAnonMiB, p.hwmMiB, window.settledMiB?.[p.label] ?? null]);
    }
  }
  result.tables.push({ title: 'Peaks (MiB)', columns: ['window', 'process', 'peak RSS', 'peak private (RssAnon)', 'VmHWM (lifetime)', 'settled RSS (lowest in 10 s idle)'], rows });
  const run1 = memoryWindows.find((w) => w.window === 'burst run 1');
  const run2 = memoryWindows.find((w) => w.window === 'burst run 2');
  if (run1 && run2) {
    const growthRows: (string | number | null)[][] = [];
    for (const p1 of run1.processes) {
      const p2 = run2.processes.find((p) => p.label === p1.label);
      if (!p2) continue;
      const peakGrowth = round(((p2.peakRssMiB - p1.peakRssMiB) / p1.peakRssMiB) * 100, 1);
      const settled1 = run1.settledMiB?.[p1.label];
      const settled2 = run2.settledMiB?.[p1.label];
      const settledGrowth = settled1 && settled2 ? round(((settled2 - settled1) / settled1) * 100, 1) : null;
      const growth = settledGrowth === null ? peakGrowth : Math.min(peakGrowth, settledGrowth);
      growthRows.push([p1.label, p1.peakRssMiB, p2.peakRssMiB, peakGrowth, settled1 ?? null, settled2 ?? null, settledGrowth]);
      result.targets.push(checkTarget(`${p1.label}: RSS growth, burst run 2 vs run 1 (smaller of peak and settled)`, growth, '<=', GROWTH_TOLERANCE_PERCENT, '%'));
    }
    result.tables.push({ title: 'Growth across the two bursts (MiB)', columns: ['service', 'run 1 peak RSS', 'run 2 peak RSS', 'peak growth %', 'run 1 settled', 'run 2 settled', 'settled growth %'], rows: growthRows });
    if (result.targets.some((t) => !t.met)) {
      result.closeGap.push(
        'A service whose peak and settled RSS both grew from run 1 to run 2 should be run through more bursts with --heapsnapshot-signal to see what it keeps per tenant (caches keyed by tenant, consumer buffers); two runs on a shared machine only show the direction.',
      );
    }
  } else {
    result.notes.push('The burst did not run (or failed), so there is no run-to-run comparison.');
  }
  result.data = { windows: memoryWindows };
  return result;
}
