import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, monotonic clock. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Only the samples between `fromEndMs` and `toEndMs` before the profile's end (e.g. the load run, not start-up). */
export interface ProfileWindow {
  fromEndMs: number;
  toEndMs: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by package (node_modules/<pkg>), project area (apps/x, libs/y), node internals, GC, idle. */
  byArea: { area: string; ms: number; percent: number }[];
  /** Hottest functions by self time (idle and GC left out). */
  topFunctions: { fn: string; where: string; ms: number; percent: number }[];
}

/** Which bucket a frame's self time goes to. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: native, not attributed)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const project = /\/((?:apps|libs|tools)\/[^/]+)\//.exec(url);
  if (project) return project[1];
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

/** Hits per node id, only for samples inside the window (all samples without one). */
function hitsInWindow(profile: CpuProfile, window?: ProfileWindow): Map<number, number> {
  const hits = new Map<number, number>();
  if (!window) {
    for (const node of profile.nodes) if (node.hitCount) hits.set(node.id, node.hitCount);
    return hits;
  }
  const from = profile.endTime - window.fromEndMs * 1000;
  const to = profile.endTime - window.toEndMs * 1000;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from && at <= to) hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + 1);
  }
  return hits;
}

/** Summarizes a V8 .cpuprofile by self time (sample counts × mean sampling interval). */
export function summarizeCpuProfile(profile: CpuProfile, window?: ProfileWindow, top = 12): ProfileSummary {
  const hitsById = hitsInWindow(profile, window);
  const totalMs = window ? window.fromEndMs - window.toEndMs : (profile.endTime - profile.startTime) / 1000;
  const totalHits = [...hitsById.values()].reduce((sum, h) => sum + h, 0) || 1;
  const msPerHit = totalMs / totalHits;
  const areas = new Map<string, number>();
  const functions = new Map<string, { fn: string; where: string; hits: number }>();
  for (const node of profile.nodes) {
    const hits = hitsById.get(node.id) ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + hits);
    if (area.startsWith('(')) continue;
    const where = `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|libs|tools)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { fn: functionName || '(anonymous)', where, hits: 0 };
    entry.hits += hits;
    functions.set(key, entry);
  }
  const pct = (hits: number) => Math.round((hits / totalHits) * 1000) / 10;
  return {
    totalMs: Math.round(totalMs),
    byArea: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, hits]) => ({ area, ms: Math.round(hits * msPerHit), percent: pct(hits) })),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, top)
      .map((f) => ({ fn: f.fn, where: f.where, ms: Math.round(f.hits * msPerHit), percent: pct(f.hits) })),
  };
}

/** Reads the one .cpuprofile a process wrote into `dir` (NODE_OPTIONS=--cpu-prof --cpu-prof-dir=dir). */
export function readCpuProfileDir(dir: string): CpuProfile {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: the profiled process did not exit cleanly`);
  return JSON.parse(readFileSync(join(dir, files[files.length - 1]), 'utf8')) as CpuProfile;
}

/** Busy time only: the areas as a share of non-idle samples. */
export function busyAreas(summary: ProfileSummary, top = 8): { area: string; ms: number; percentOfBusy: number }[] {
  const busy = summary.byArea.filter((a) => a.area !== '(idle)');
  const busyMs = busy.reduce((sum, a) => sum + a.ms, 0) || 1;
  return busy.slice(0, top).map((a) => ({ area: a.area, ms: a.ms, percentOfBusy: Math.round((a.ms / busyMs) * 100) }));
}
