import { loadavg } from 'node:os';
import pg from 'pg';
import { pidsNamed, pidsWithCommandLine, readCpuTicks, readMachineTicks, readProcMemory } from './proc.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface PeakMemory {
  label: string;
  pid: number;
  peakRssMiB: number;
  peakAnonMiB: number;
  /** VmHWM last seen: the process's lifetime peak, not only this window's. */
  hwmMiB: number;
  endRssMiB: number;
}

/** Samples RSS of the given processes every `intervalMs` and keeps each one's peak within the window. */
export function startMemorySampler(targets: () => { label: string; pid: number }[], intervalMs = 100) {
  const peaks = new Map<string, PeakMemory>();
  const sample = () => {
    for (const { label, pid } of targets()) {
      const memory = readProcMemory(pid);
      if (!memory) continue;
      const peak = peaks.get(label) ?? { label, pid, peakRssMiB: 0, peakAnonMiB: 0, hwmMiB: 0, endRssMiB: 0 };
      peak.peakRssMiB = Math.max(peak.peakRssMiB, memory.rssMiB);
      peak.peakAnonMiB = Math.max(peak.peakAnonMiB, memory.anonMiB);
      peak.hwmMiB = memory.hwmMiB;
      peak.endRssMiB = memory.rssMiB;
      peaks.set(label, peak);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): PeakMemory[] {
      clearInterval(timer);
      sample();
      return [...peaks.values()];
    },
  };
}

export interface BackendPeak {
  pid: number;
  /** Private memory (RssAnon) at its peak. */
  anonMiB: number;
  rssMiB: number;
  hwmMiB: number;
  application: string;
  query: string;
}

/**
 * Samples the memory of every PostgreSQL backend connected to `database` (from pg_stat_activity,
 * read through the maintenance database) and keeps the largest one seen.
 */
export async function startBackendSampler(adminUrl: string, database: string, intervalMs = 200) {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'tenantry-bench-sampler' });
  await client.connect();
  let largest: BackendPeak | null = null;
  let samples = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const { rows } = await client.query<{ pid: number; application_name: string; query: string }>(
        `select pid, application_name, left(query, 120) as query from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
        [database],
      );
      samples++;
      for (const row of rows) {
        const memory = readProcMemory(row.pid);
        if (!memory) continue;
        if (!largest || memory.anonMiB > largest.anonMiB || (memory.anonMiB === largest.anonMiB && memory.hwmMiB > largest.hwmMiB)) {
          largest = { pid: row.pid, anonMiB: memory.anonMiB, rssMiB: memory.rssMiB, hwmMiB: memory.hwmMiB, application: row.application_name, query: row.query.replace(/\s+/g, ' ') };
        } else if (largest.pid === row.pid) {
          largest.hwmMiB = Math.max(largest.hwmMiB, memory.hwmMiB);
          largest.rssMiB = Math.max(largest.rssMiB, memory.rssMiB);
        }
      }
    } catch {
      // a sample lost to a busy server is not worth failing the benchmark for
    } finally {
      busy = false;
    }
  };
  await sample();
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    async stop(): Promise<{ largest: BackendPeak | null; samples: number }> {
      clearInterval(timer);
      while (busy) await new Promise((resolve) => setTimeout(resolve, 10));
      await client.end().catch(() => undefined);
      return { largest, samples };
    },
  };
}

export interface CpuShare {
  label: string;
  cpuSeconds: number;
  /** Share of the machine's busy time in the window, in %. */
  percentOfBusy: number;
}

export interface CpuSplit {
  wallSeconds: number;
  machineBusySeconds: number;
  /** Machine capacity in the window: wall × CPUs. */
  capacitySeconds: number;
  shares: CpuShare[];
}

/**
 * Where the machine's CPU went during a window: per labelled group of processes (services, the
 * PostgreSQL server, the Kafka broker, this harness) and "everything else" (other people's work).
 * Samples every `intervalMs` so short-lived processes (PostgreSQL backends) are counted.
 */
export function startCpuSampler(groups: () => Record<string, number[]>, intervalMs = 250) {
  const startedAt = performance.now();
  const machineStart = readMachineTicks();
  const last = new Map<number, number>();
  const used = new Map<string, number>();
  const seenGroup = new Map<number, string>();
  let first = true;
  const sample = () => {
    for (const [label, pids] of Object.entries(groups())) {
      for (const pid of pids) {
        const ticks = readCpuTicks(pid);
        if (ticks === null) continue;
        // A process already running when the window opened counts from there; one started later counts whole.
        const previous = last.get(pid) ?? (first ? ticks : 0);
        used.set(label, (used.get(label) ?? 0) + (ticks - previous));
        last.set(pid, ticks);
        seenGroup.set(pid, label);
      }
    }
    first = false;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): CpuSplit {
      clearInterval(timer);
      sample();
      const machineEnd = readMachineTicks();
      const busy = (machineEnd.busy - machineStart.busy) / TICKS_PER_SECOND;
      const wallSeconds = (performance.now() - startedAt) / 1000;
      const cpus = Math.max(1, Math.round((machineEnd.total - machineStart.total) / TICKS_PER_SECOND / wallSeconds));
      const shares: CpuShare[] = [...used.entries()].map(([label, ticks]) => ({ label, cpuSeconds: ticks / TICKS_PER_SECOND, percentOfBusy: 0 }));
      const accounted = shares.reduce((sum, s) => sum + s.cpuSeconds, 0);
      shares.push({ label: 'everything else (other users of the machine)', cpuSeconds: Math.max(0, busy - accounted), percentOfBusy: 0 });
      for (const share of shares) {
        share.cpuSeconds = Math.round(share.cpuSeconds * 10) / 10;
        share.percentOfBusy = busy > 0 ? Math.round((share.cpuSeconds / busy) * 100) : 0;
      }
      return { wallSeconds: Math.round(wallSeconds * 10) / 10, machineBusySeconds: Math.round(busy * 10) / 10, capacitySeconds: Math.round(wallSeconds * cpus * 10) / 10, shares };
    },
  };
}

/** The usual groups: the given processes plus the whole PostgreSQL server and the Kafka broker. */
export function standardGroups(processes: () => Record<string, number | undefined>): () => Record<string, number[]> {
  let kafkaPids: number[] | undefined;
  return () => {
    kafkaPids ??= pidsWithCommandLine('java', 'kafka.Kafka');
    const groups: Record<string, number[]> = {};
    for (const [label, pid] of Object.entries(processes())) if (pid) groups[label] = [pid];
    groups['bench harness (load generator)'] = [process.pid];
    groups['PostgreSQL (all backends, incl. other users)'] = pidsNamed('postgres');
    groups['Kafka broker (JVM; a shared broker also carries other users\' traffic)'] = kafkaPids;
    return groups;
  };
}

/** Samples the 1-minute load average for the report's "machine load" line. */
export function startLoadWatch(intervalMs = 5000) {
  const start = loadavg();
  let max1m = start[0];
  const timer = setInterval(() => {
    max1m = Math.max(max1m, loadavg()[0]);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const end = loadavg();
      return { start, end, max1m: Math.max(max1m, end[0]) };
    },
  };
}

export function cpuTable(split: CpuSplit) {
  return {
    columns: ['process group', 'CPU s', '% of busy CPU'],
    rows: split.shares.filter((s) => s.cpuSeconds > 0).sort((a, b) => b.cpuSeconds - a.cpuSeconds).map((s) => [s.label, s.cpuSeconds, s.percentOfBusy]),
  };
}
